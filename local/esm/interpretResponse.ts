import type { InvokeResult } from './types.ts';

/** What Lambda makes of an invocation's outcome. */
export type InvocationVerdict =
  | { readonly kind: 'success' }
  /** Checkpoint before record `index` of the batch and redeliver from it. */
  | { readonly kind: 'partial'; readonly index: number }
  /** The whole batch failed: retry it (bisecting when enabled). */
  | { readonly kind: 'failure'; readonly reason: string; readonly functionError: boolean };

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Applies Lambda's rules for a Kinesis batch response:
 * - an error or a timeout fails the whole batch;
 * - with tumbling windows (`tumbling`), a response without a `state` object fails the whole batch;
 * - without `reportBatchItemFailures` any returned value is a success;
 * - no response, no `batchItemFailures` (missing, null or `[]`) is a success;
 * - otherwise the lowest reported sequence number is where to resume; an `itemIdentifier` that is missing,
 *   empty, not a string or not a sequence number of the batch fails the whole batch.
 *
 * @param result - The invocation's result.
 * @param sequenceNumbers - The batch's sequence numbers, in order.
 * @param reportBatchItemFailures - The mapping's `ReportBatchItemFailures` setting.
 * @example
 * ```ts
 * interpretResponse({ kind: 'ok', response: { batchItemFailures: [{ itemIdentifier: '3' }] } }, ['1', '2', '3'], true);
 * // { kind: 'partial', index: 2 }
 * ```
 */
export const interpretResponse = (
  result: InvokeResult,
  sequenceNumbers: readonly string[],
  reportBatchItemFailures: boolean,
  tumbling = false,
): InvocationVerdict => {
  if (result.kind === 'error') {
    return { kind: 'failure', reason: `${result.error.name}: ${result.error.message}`, functionError: true };
  }
  if (result.kind === 'timeout') return { kind: 'failure', reason: 'Task timed out', functionError: true };
  const response: unknown = result.response;
  if (tumbling && !(isRecord(response) && isRecord(response.state))) {
    // With tumbling windows Lambda treats a response without `state` as a failed invocation.
    return { kind: 'failure', reason: 'the response has no state (tumbling window)', functionError: false };
  }
  if (!reportBatchItemFailures || response === undefined || response === null) return { kind: 'success' };
  if (!isRecord(response)) return { kind: 'success' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) {
    return { kind: 'failure', reason: 'batchItemFailures is not a list', functionError: false };
  }
  if (failures.length === 0) return { kind: 'success' };
  const positions = new Map(sequenceNumbers.map((sequence, index) => [sequence, index]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const identifier = isRecord(failure) ? failure.itemIdentifier : undefined;
    const index = typeof identifier === 'string' && identifier !== '' ? positions.get(identifier) : undefined;
    if (index === undefined) {
      return {
        kind: 'failure',
        reason: `batchItemFailures names ${JSON.stringify(identifier ?? null)}, not a sequence number of the batch`,
        functionError: false,
      };
    }
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', index: lowest };
};
