import { AWS_TIMEOUTS } from '../aws/timeouts.ts';
import { AttemptTimeoutError, DeadlineError, StorageError } from './errors.ts';

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
  /**
   * Longest time one attempt may take; what is left before the deadline, when less. An attempt that
   * takes longer is aborted (through the signal given to the operation) and fails with an
   * {@link AttemptTimeoutError}, which is retried like a 5xx.
   * @default AWS_TIMEOUTS.requestTimeoutMs (5 s)
   */
  readonly attemptTimeoutMs?: number;
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
  'AttemptTimeoutError',
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

/** The longest delay `setTimeout` honours (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
 * Runs one attempt with a time limit: `operation` gets a signal that aborts after `timeoutMs`, and the
 * attempt fails then with an {@link AttemptTimeoutError} even if the operation ignores the signal.
 */
const attemptWithin = async <T>(
  operation: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  attempt: number,
  cutByDeadline: boolean,
): Promise<T> => {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new AttemptTimeoutError(timeoutMs, attempt, cutByDeadline);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(controller.signal), timedOut]);
  } catch (error) {
    // The SDK reports its own abort as an AbortError: the timeout is what happened.
    throw controller.signal.aborted ? (controller.signal.reason as AttemptTimeoutError) : error;
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Runs `operation`, retrying retryable errors with exponential backoff and full jitter, never starting an
 * attempt (or a sleep) that would end after the deadline. Each attempt is limited to
 * `min(attemptTimeoutMs, deadline − now)`: pass the signal `operation` receives to the SDK
 * (`client.send(command, { abortSignal })`) so that a hung request is closed; a timed-out attempt is
 * retried like a 5xx.
 *
 * @throws the last error when it is not retryable or attempts run out; {@link DeadlineError} when the
 * deadline stops retries (with the last error as `cause`).
 * @example
 * await withRetry((abortSignal) => client.send(new UpdateItemCommand(input), { abortSignal }), { deadlineMs: Date.now() + 5000 });
 */
export const withRetry = async <T>(
  operation: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> => {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const base = options.baseDelayMs ?? 25;
  const cap = options.maxDelayMs ?? 2000;
  const maxAttempts = options.maxAttempts ?? 10;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? AWS_TIMEOUTS.requestTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    const left = options.deadlineMs - now();
    if (left <= 0) {
      throw new DeadlineError(`Deadline reached before attempt ${attempt}`);
    }
    try {
      return await attemptWithin(
        operation,
        Math.min(attemptTimeoutMs, left, MAX_TIMER_MS),
        attempt,
        left < attemptTimeoutMs,
      );
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
