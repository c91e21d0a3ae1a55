import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { DeadlineError, isRetryable, withRetry } from '../../shared/storage/index.ts';

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
});
