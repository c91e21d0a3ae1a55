import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { AWS_TIMEOUTS } from '../../shared/aws/timeouts.ts';
import { AttemptTimeoutError, DeadlineError, isRetryable, withRetry } from '../../shared/storage/index.ts';

const throttled = (): ProvisionedThroughputExceededException =>
  new ProvisionedThroughputExceededException({
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

const invalid = (): Error =>
  Object.assign(new Error('One or more parameter values were invalid'), {
    name: 'ValidationException',
    $metadata: { httpStatusCode: 400 },
  });

/** An operation that fails with each given error in turn, then returns `value`. */
const failing = <T>(errors: readonly unknown[], value: T) => {
  let calls = 0;
  const operation = vi.fn(async (): Promise<T> => {
    const error = errors[calls];
    calls += 1;
    if (error !== undefined) throw error;
    return value;
  });
  return operation;
};

describe('Function: isRetryable', () => {
  it.each([
    ['ProvisionedThroughputExceededException', throttled(), true],
    ['ThrottlingException', Object.assign(new Error('x'), { name: 'ThrottlingException' }), true],
    ['RequestLimitExceeded', Object.assign(new Error('x'), { name: 'RequestLimitExceeded' }), true],
    ['InternalServerError', Object.assign(new Error('x'), { name: 'InternalServerError' }), true],
    ['TimeoutError', Object.assign(new Error('x'), { name: 'TimeoutError' }), true],
    ['AttemptTimeoutError', new AttemptTimeoutError(5_000, 1, false), true],
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['EAI_AGAIN', Object.assign(new Error('dns'), { code: 'EAI_AGAIN' }), true],
    [
      'an HTTP 503',
      Object.assign(new Error('x'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } }),
      true,
    ],
    ['an error the SDK marks $retryable', Object.assign(new Error('x'), { $retryable: {} }), true],
    [
      'ConditionalCheckFailedException',
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      false,
    ],
    ['ValidationException', invalid(), false],
    ['an HTTP 400', Object.assign(new Error('x'), { $metadata: { httpStatusCode: 400 } }), false],
    ['DeadlineError', new DeadlineError('late'), false],
    ['a plain Error', new Error('boom'), false],
    ['a string', 'ProvisionedThroughputExceededException', false],
    ['null', null, false],
    ['undefined', undefined, false],
  ])('says %s is retryable: %s', (_label, error, expected) => {
    // Act
    const retryable = isRetryable(error);

    // Assess
    expect(retryable).toBe(expected);
  });
});

describe('Function: withRetry', () => {
  const base = { deadlineMs: 10_000, now: () => 1_000, random: () => 0.5 };

  it('returns the first attempt’s value without sleeping', async () => {
    // Prepare
    const operation = failing([], 'ok');
    const sleep = vi.fn(async () => {});

    // Act
    const value = await withRetry(operation, { ...base, sleep });

    // Assess
    expect(value).toBe('ok');
    expect(operation).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('retries retryable errors with full-jitter exponential backoff, then succeeds', async () => {
    // Prepare
    const errors = [throttled(), throttled(), throttled()];
    const operation = failing(errors, 'ok');
    const sleep = vi.fn(async (_ms: number) => {});
    const onRetry = vi.fn();

    // Act
    const value = await withRetry(operation, { ...base, sleep, onRetry });

    // Assess: cap 25, 50, 100 ms; random 0.5 → half of each
    expect(value).toBe('ok');
    expect(operation).toHaveBeenCalledTimes(4);
    expect(sleep.mock.calls).toStrictEqual([[12], [25], [50]]);
    expect(onRetry.mock.calls).toStrictEqual([
      [errors[0], 1, 12],
      [errors[1], 2, 25],
      [errors[2], 3, 50],
    ]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    // Prepare
    const operation = failing([throttled(), throttled(), throttled(), throttled()], 'ok');
    const sleep = vi.fn(async (_ms: number) => {});

    // Act
    await withRetry(operation, { ...base, random: () => 1, baseDelayMs: 100, maxDelayMs: 300, sleep });

    // Assess
    expect(sleep.mock.calls).toStrictEqual([[100], [200], [300], [300]]);
  });

  it('throws a non-retryable error at once', async () => {
    // Prepare
    const error = invalid();
    const operation = failing([error], 'ok');
    const sleep = vi.fn(async () => {});

    // Act
    const attempt = withRetry(operation, { ...base, sleep });

    // Assess
    await expect(attempt).rejects.toBe(error);
    expect(operation).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('throws the last error when the attempts run out', async () => {
    // Prepare
    const errors = [throttled(), throttled(), throttled()];
    const operation = failing(errors, 'ok');

    // Act
    const attempt = withRetry(operation, { ...base, maxAttempts: 3, sleep: async () => {} });

    // Assess
    await expect(attempt).rejects.toBe(errors[2]);
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('starts no attempt once the deadline has passed', async () => {
    // Prepare
    const operation = failing([], 'ok');

    // Act
    const attempt = withRetry(operation, { ...base, now: () => 10_000, sleep: async () => {} });

    // Assess
    await expect(attempt).rejects.toStrictEqual(new DeadlineError('Deadline reached before attempt 1'));
    expect(operation).not.toHaveBeenCalled();
  });

  it('starts no sleep that would end after the deadline, keeping the last error as cause', async () => {
    // Prepare
    const error = throttled();
    const operation = failing([error], 'ok');
    const sleep = vi.fn(async () => {});

    // Act: the first backoff is up to 25 ms; random 1 picks 25 and the deadline is 10 ms away
    const attempt = withRetry(operation, { deadlineMs: 1_010, now: () => 1_000, random: () => 1, sleep });

    // Assess
    const thrown = await attempt.catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(DeadlineError);
    expect((thrown as DeadlineError).message).toBe('Deadline reached after 1 attempt(s): Rate exceeded');
    expect((thrown as DeadlineError).cause).toBe(error);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('checks the deadline again before each retry', async () => {
    // Prepare: the clock passes the deadline during the first sleep
    let clock = 1_000;
    const operation = failing([throttled(), throttled()], 'ok');
    const sleep = vi.fn(async () => {
      clock = 10_000;
    });

    // Act
    const attempt = withRetry(operation, { deadlineMs: 10_000, now: () => clock, random: () => 0, sleep });

    // Assess
    await expect(attempt).rejects.toStrictEqual(new DeadlineError('Deadline reached before attempt 2'));
    expect(operation).toHaveBeenCalledTimes(1);
  });

  describe('attempt timeouts', () => {
    /** An operation that never settles on its own (a hung request) but records the signal it was given. */
    const hanging = () => {
      const signals: AbortSignal[] = [];
      const operation = vi.fn(
        (signal: AbortSignal): Promise<string> =>
          new Promise<string>(() => {
            signals.push(signal);
          }),
      );
      return { operation, signals };
    };

    it('aborts an attempt that outlasts attemptTimeoutMs and retries it like a 5xx', async () => {
      // Prepare: the first attempt hangs, the second answers.
      const signals: AbortSignal[] = [];
      const operation = vi.fn((signal: AbortSignal): Promise<string> => {
        signals.push(signal);
        return signals.length === 1 ? new Promise<string>(() => undefined) : Promise.resolve('ok');
      });
      const retries: unknown[] = [];

      // Act
      const started = Date.now();
      const value = await withRetry(operation, {
        deadlineMs: Date.now() + 10_000,
        attemptTimeoutMs: 50,
        random: () => 0,
        onRetry: (error) => retries.push(error),
      });

      // Assess
      expect(value).toBe('ok');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(operation).toHaveBeenCalledTimes(2);
      expect(signals[0]?.aborted).toBe(true);
      expect(signals[0]?.reason).toStrictEqual(new AttemptTimeoutError(50, 1, false));
      expect(signals[1]?.aborted).toBe(false);
      expect(retries).toStrictEqual([new AttemptTimeoutError(50, 1, false)]);
      expect((retries[0] as Error).message).toBe('No answer within 50 ms (attempt 1)');
    });

    it('cuts an attempt at the deadline when less than attemptTimeoutMs is left', async () => {
      // Prepare
      const { operation, signals } = hanging();

      // Act
      const started = Date.now();
      const thrown = await withRetry(operation, {
        deadlineMs: started + 100,
        attemptTimeoutMs: 60_000,
      }).catch((error: unknown) => error);

      // Assess
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(90);
      expect(elapsed).toBeLessThan(2_000);
      expect(thrown).toBeInstanceOf(DeadlineError);
      const cause = (thrown as DeadlineError).cause as AttemptTimeoutError;
      expect(cause).toBeInstanceOf(AttemptTimeoutError);
      expect(cause.cutByDeadline).toBe(true);
      expect(cause.timeoutMs).toBeLessThanOrEqual(100);
      expect(signals[0]?.aborted).toBe(true);
    });

    it('reports the timeout, not the AbortError an SDK call rejects with when its signal aborts', async () => {
      // Prepare: like client.send(command, { abortSignal }), the operation rejects on abort.
      const operation = (signal: AbortSignal): Promise<string> =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () =>
            reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
          );
        });

      // Act
      const thrown = await withRetry(operation, {
        deadlineMs: Date.now() + 10_000,
        attemptTimeoutMs: 20,
        maxAttempts: 2,
        random: () => 0,
      }).catch((error: unknown) => error);

      // Assess
      expect(thrown).toStrictEqual(new AttemptTimeoutError(20, 2, false));
    });

    it('defaults attemptTimeoutMs to AWS_TIMEOUTS.requestTimeoutMs', async () => {
      // Prepare
      const { operation } = hanging();
      vi.useFakeTimers();
      try {
        // Act
        const attempt = withRetry(operation, { deadlineMs: Date.now() + 60_000, maxAttempts: 1 }).catch(
          (error: unknown) => error,
        );
        await vi.advanceTimersByTimeAsync(AWS_TIMEOUTS.requestTimeoutMs - 1);
        expect(operation).toHaveBeenCalledTimes(1);
        await vi.advanceTimersByTimeAsync(1);

        // Assess
        expect(await attempt).toStrictEqual(new AttemptTimeoutError(AWS_TIMEOUTS.requestTimeoutMs, 1, false));
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
