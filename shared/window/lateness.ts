import type { WindowSpec } from './types.ts';

/**
 * Whether a record that arrived at `arrivalMs` is too late for the window starting at `windowStartMs`:
 * it is late when it arrived after the window's end plus the allowed lateness.
 * The decision uses only data carried by the record (its Kinesis arrival timestamp), so a redelivered
 * record always gets the same answer.
 *
 * @example
 * isLate(tumbling('1m', { allowedLateness: '5m' }), windowStart, record.arrivalMs);
 */
export const isLate = (spec: WindowSpec, windowStartMs: number, arrivalMs: number): boolean =>
  arrivalMs > windowStartMs + spec.sizeMs + spec.allowedLatenessMs;

/**
 * Whether a window is final at `nowMs`: its end plus the allowed lateness has passed, so no more
 * records will be folded into it.
 *
 * @example
 * isFinal(spec, windowStart, Date.now());
 */
export const isFinal = (spec: WindowSpec, windowStartMs: number, nowMs: number): boolean =>
  nowMs > windowStartMs + spec.sizeMs + spec.allowedLatenessMs;

/**
 * Whether a window is complete at `nowMs`: its end has passed, so it no longer receives records on time.
 * A complete window may still change — records still in flight (the event source mapping's batching
 * window, a lagging shard) and late records within the allowed lateness are folded in until it is final
 * ({@link isFinal}) — but it holds the bulk of its records. A window that is not complete is *partial*.
 *
 * @example
 * isComplete(tumbling('1m'), Date.parse('2026-11-21T08:30:00Z'), Date.parse('2026-11-21T08:31:00Z')); // true
 */
export const isComplete = (spec: WindowSpec, windowStartMs: number, nowMs: number): boolean =>
  nowMs >= windowStartMs + spec.sizeMs;
