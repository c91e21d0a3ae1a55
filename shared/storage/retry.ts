import { DeadlineError, StorageError } from './errors.ts';

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Epoch ms after which no new attempt starts. */
  readonly deadlineMs: number;
  /**
   * First backoff cap, in ms; the cap doubles per attempt (full jitter: sleep uniform in [0, cap]).
   * @default 25
   */
  readonly baseDelayMs?: number;
  /**
   * Largest backoff cap, in ms.
   * @default 2000
   */
  readonly maxDelayMs?: number;
  /**
   * Attempts in total, including the first.
   * @default 10
   */
  readonly maxAttempts?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
  /** Called before each retry with the error and the chosen delay. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'LimitExceededException',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * Whether an AWS SDK error is worth retrying: throttling, 5xx, timeouts and dropped connections.
 *
 * @example
 * isRetryable(error); // true for ProvisionedThroughputExceededException
 */
export const isRetryable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (e.name !== undefined && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code !== undefined && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable !== undefined) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
};

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sleeps before retry round `round` (1-based) with full jitter, unless that would pass the deadline.
 * Used for the unprocessed keys and items of batch operations, which are retried outside {@link withRetry}.
 *
 * @throws {StorageError} after `maxAttempts` rounds; {@link DeadlineError} when the sleep would end after the deadline.
 * @example
 * await backoff(round, options, () => `${pending.length} key(s) left unprocessed`);
 */
export const backoff = async (round: number, options: RetryOptions, what: () => string): Promise<void> => {
  const maxAttempts = options.maxAttempts ?? 10;
  if (round >= maxAttempts) throw new StorageError(`Gave up after ${round} round(s) with ${what()}`);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const cap = Math.min(options.maxDelayMs ?? 2000, (options.baseDelayMs ?? 25) * 2 ** (round - 1));
  const delay = Math.floor(random() * cap);
  if (now() + delay >= options.deadlineMs) {
    throw new DeadlineError(`Deadline reached after ${round} round(s) with ${what()}`);
  }
  await (options.sleep ?? defaultSleep)(delay);
};

/**
 * Runs `operation`, retrying retryable errors with exponential backoff and full jitter, never starting an
 * attempt (or a sleep) that would end after the deadline.
 *
 * @throws the last error when it is not retryable or attempts run out; {@link DeadlineError} when the
 * deadline stops retries (with the last error as `cause`).
 * @example
 * await withRetry(() => client.send(new UpdateItemCommand(input)), { deadlineMs: Date.now() + 5000 });
 */
export const withRetry = async <T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> => {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const base = options.baseDelayMs ?? 25;
  const cap = options.maxDelayMs ?? 2000;
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    if (now() >= options.deadlineMs) {
      throw new DeadlineError(`Deadline reached before attempt ${attempt}`);
    }
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error) || attempt >= maxAttempts) throw error;
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      if (now() + delay >= options.deadlineMs) {
        throw new DeadlineError(`Deadline reached after ${attempt} attempt(s): ${(error as Error).message}`, {
          cause: error,
        });
      }
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
};
