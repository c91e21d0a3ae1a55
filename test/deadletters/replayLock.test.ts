import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplayLockedError } from '../../shared/replay/errors.ts';
import { ReplayLock } from '../../shared/replay/ReplayLock.ts';

const ddb = mockClient(DynamoDBClient);

/** A lock of 120 s on a clock the test moves; `renewTakesMs`: how long a renewal takes on that clock. */
const lockOn = (clock: { ms: number }, renewTakesMs = 0) => {
  ddb.on(PutItemCommand).resolves({});
  ddb.on(UpdateItemCommand).callsFake(async () => {
    clock.ms += renewTakesMs;
    return {};
  });
  return new ReplayLock({
    client: new DynamoDBClient({ region: 'us-east-1' }),
    tableName: 'dead-letters',
    pipeline: 'ohlc',
    leaseMs: 120_000,
    now: () => clock.ms,
  });
};

describe('Class: ReplayLock, the fence before each write', () => {
  afterEach(() => {
    ddb.reset();
  });

  it('lets a write through without a call while half the lease is left', async () => {
    // Prepare
    const clock = { ms: 0 };
    const lock = lockOn(clock);
    await lock.acquire();
    clock.ms = 60_000;

    // Act
    await lock.ensure();

    // Assess
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(lock.remainingMs()).toBe(60_000);
  });

  it('renews once, for writes waiting together, when less than half is left', async () => {
    // Prepare
    const clock = { ms: 0 };
    const lock = lockOn(clock);
    await lock.acquire();
    clock.ms = 60_001;

    // Act
    await Promise.all([lock.ensure(), lock.ensure(), lock.ensure()]);

    // Assess
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(1);
    expect(lock.remainingMs()).toBe(120_000);
  });

  it('refuses the write when the lease ran out and another replay took the lock', async () => {
    // Prepare
    const clock = { ms: 0 };
    const lock = lockOn(clock);
    await lock.acquire();
    clock.ms = 200_000;
    ddb
      .on(UpdateItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    // Act & Assess
    await expect(lock.ensure()).rejects.toThrow(ReplayLockedError);
    await expect(lock.ensure()).rejects.toThrow(/lost its lock/);
  });

  it('refuses the write when a renewal was so slow that less than half the lease is left after it', async () => {
    // Prepare: a renewal that takes 70 s of a 120 s lease
    const clock = { ms: 0 };
    const lock = lockOn(clock, 70_000);
    await lock.acquire();
    clock.ms = 100_000;

    // Act & Assess
    await expect(lock.ensure()).rejects.toThrow(
      'The replay lock of ohlc has only 50000 ms of its 120000 ms lease left after renewing: stopping before writing more',
    );
  });

  it('is never held before acquire nor after release', async () => {
    // Prepare
    const clock = { ms: 0 };
    const lock = lockOn(clock);

    // Act & Assess
    expect(lock.remainingMs()).toBe(Number.NEGATIVE_INFINITY);
    await lock.acquire();
    expect(lock.remainingMs()).toBe(120_000);
    await lock.release();
    expect(lock.remainingMs()).toBe(Number.NEGATIVE_INFINITY);
  });
});
