import { isRetryable } from '../storage/retry.ts';

/** Whole-call errors of PutRecords worth retrying besides the SDK's generic throttling, 5xx and network errors. */
const KINESIS_RETRYABLE = new Set(['KMSThrottlingException', 'ProvisionedThroughputExceededException']);

/**
 * Whether a PutRecords call that threw is worth retrying: throttling, 5xx, timeouts and dropped
 * connections. Anything else (`ResourceNotFoundException`, `AccessDeniedException`, missing credentials, a
 * validation error) will fail again the same way.
 *
 * @example
 * isRetryableCallError(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} })); // true
 */
export const isRetryableCallError = (error: unknown): boolean =>
  isRetryable(error) || (error instanceof Error && KINESIS_RETRYABLE.has(error.name));

/**
 * Full-jitter exponential backoff: a delay drawn uniformly from [0, min(maxMs, baseMs · 2^(attempt−1))].
 *
 * @param attempt - The attempt that just failed, from 1.
 * @example
 * backoffDelay(3, 100, 5000, Math.random); // somewhere in [0, 400]
 */
export const backoffDelay = (attempt: number, baseMs: number, maxMs: number, random: () => number): number =>
  Math.floor(random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)));
