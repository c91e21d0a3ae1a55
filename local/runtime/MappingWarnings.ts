import type { EventSourceMappingEvent } from '../esm/types.ts';

/** Options of {@link MappingWarnings}. */
export interface MappingWarningsOptions {
  /**
   * After a warning, more of the same kind for the same pipeline are counted, not said, for this long.
   * @default 30_000
   */
  readonly quietMs?: number;
  /**
   * Records put on a pipeline's stream so far, when known (the demo's count), to say how full it is.
   * @default - not said
   */
  readonly recordsPut?: (pipeline: string) => number | undefined;
  /** @default Date.now */
  readonly now?: () => number;
}

interface Quiet {
  untilMs: number;
  suppressed: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Turns the local event source mappings' trouble (`error` and `slow-call` events) into warning lines for
 * `streamfold dev`, at most one per pipeline and kind every `quietMs` (saying how many were left out), so
 * that a slow or failing kinesis-local is said, not silently waited on.
 *
 * @example
 * const warnings = new MappingWarnings();
 * const line = warnings.warningFor('ohlc', event);
 * if (line !== undefined) console.error(`warning: ${line}`);
 */
export class MappingWarnings {
  private readonly quiet = new Map<string, Quiet>();
  private readonly quietMs: number;
  private readonly now: () => number;

  public constructor(private readonly options: MappingWarningsOptions = {}) {
    this.quietMs = options.quietMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** The warning to show for this event of `pipeline`'s mapping, or undefined (not trouble, or quiet). */
  public warningFor(pipeline: string, event: EventSourceMappingEvent): string | undefined {
    const text = this.describe(pipeline, event);
    if (text === undefined) return undefined;
    const key = `${pipeline}\u0000${event.type}`;
    const nowMs = this.now();
    const quiet = this.quiet.get(key);
    if (quiet !== undefined && nowMs < quiet.untilMs) {
      quiet.suppressed += 1;
      return undefined;
    }
    const more =
      quiet !== undefined && quiet.suppressed > 0 ? ` (+${quiet.suppressed} more like it before)` : '';
    this.quiet.set(key, { untilMs: nowMs + this.quietMs, suppressed: 0 });
    return `${text}${more}`;
  }

  private describe(pipeline: string, event: EventSourceMappingEvent): string | undefined {
    if (event.type === 'slow-call') {
      const put = this.options.recordsPut?.(pipeline);
      const held = put === undefined ? '' : `, ${put} records put on its stream so far`;
      return (
        `kinesis is slow: ${event.operation} on ${pipeline} ${event.shardId} took ${seconds(event.durationMs)}${held} ` +
        '(kinesis-local slows down as its shards fill; restart dev if reads keep slowing)'
      );
    }
    if (event.type === 'error') {
      const where = event.shardId === undefined ? pipeline : `${pipeline} ${event.shardId}`;
      // The SDK wraps the mapping's own timeout in an AbortError("Request aborted") whose cause says it.
      const { cause } = event.error;
      const error = event.error.name === 'AbortError' && cause instanceof Error ? cause : event.error;
      const why =
        error.name === 'TimeoutError'
          ? ` (kinesis-local is overloaded; the next ${event.operation} on this shard is given twice as long)`
          : '';
      return `${event.operation} failed on ${where}: ${error.message}${why}; retrying in ${seconds(event.retryInMs)}`;
    }
    return undefined;
  }
}
