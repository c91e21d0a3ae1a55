import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { Producer, ProducerOptionError, TokenBucket } from '../../shared/producer/index.ts';

/** A virtual clock whose sleep advances time and records each wait. */
const virtualTime = () => {
  const clock = { now: 0, waits: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      clock.now += ms;
    },
  };
};

describe('Class: TokenBucket', () => {
  it('starts full, at 50 ms worth of tokens by default', () => {
    // Prepare
    const { now, sleep } = virtualTime();

    // Act
    const bucket = new TokenBucket({ ratePerSecond: 200, now, sleep });

    // Assess
    expect(bucket.capacity).toBe(10);
    expect(bucket.tokens()).toBe(10);
  });

  it('refills continuously at the rate, up to its capacity', () => {
    // Prepare
    const { clock, now, sleep } = virtualTime();
    const bucket = new TokenBucket({ ratePerSecond: 100, capacity: 5, now, sleep });
    for (let i = 0; i < 5; i++) expect(bucket.tryTake()).toBe(true);

    // Act
    const empty = bucket.tokens();
    clock.now += 25;
    const later = bucket.tokens();
    clock.now += 1_000;
    const full = bucket.tokens();

    // Assess
    expect(empty).toBe(0);
    expect(later).toBeCloseTo(2.5, 10);
    expect(full).toBe(5);
    expect(bucket.tryTake(6)).toBe(false);
  });

  it('makes take() wait exactly for the missing tokens, so n takes span (n − capacity) / rate', async () => {
    // Prepare
    const { clock, now, sleep } = virtualTime();
    const bucket = new TokenBucket({ ratePerSecond: 50, capacity: 5, now, sleep });

    // Act
    for (let i = 0; i < 105; i++) await bucket.take();

    // Assess
    expect(clock.waits).toHaveLength(100);
    expect(clock.waits.every((ms) => Math.abs(ms - 20) < 1e-9)).toBe(true);
    expect(clock.now).toBeCloseTo(2_000, 6);
    expect(bucket.tokens()).toBeCloseTo(0, 9);
  });

  it('reserves tokens for concurrent callers in call order (the balance goes negative)', async () => {
    // Prepare
    const waits: number[] = [];
    const t = 0;
    const bucket = new TokenBucket({
      ratePerSecond: 10,
      capacity: 1,
      now: () => t,
      sleep: (ms) => {
        waits.push(ms);
        return new Promise(() => undefined); // never resolves: we only look at the reservations
      },
    });

    // Act
    void bucket.take();
    void bucket.take();
    void bucket.take();

    // Assess
    expect(waits).toStrictEqual([100, 200]);
    expect(bucket.tokens()).toBe(-2);
    expect(bucket.delayFor(1)).toBe(300);
  });

  it('gives the tokens back when a wait is aborted', async () => {
    // Prepare
    const controller = new AbortController();
    const bucket = new TokenBucket({
      ratePerSecond: 10,
      capacity: 1,
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    });
    await bucket.take();

    // Act
    const waiting = bucket.take(1, controller.signal);
    const during = bucket.tokens();
    controller.abort(new Error('stop'));

    // Assess
    await expect(waiting).rejects.toThrow('stop');
    expect(during).toBe(-1);
    expect(bucket.tokens()).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a rate of %s', (rate) => {
    // Act / Assess
    expect(() => new TokenBucket({ ratePerSecond: rate })).toThrow(ProducerOptionError);
  });
});

describe('Class: Producer (rate limit)', () => {
  it('takes one token per accepted record', async () => {
    // Prepare
    const kinesis = mockClient(KinesisClient);
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      Records: (input.Records ?? []).map(() => ({ SequenceNumber: '1', ShardId: 'shardId-0' })),
    }));
    const { clock, now, sleep } = virtualTime();
    const producer = new Producer({
      client: new KinesisClient({ region: 'eu-west-1' }),
      stream: 'trades',
      ratePerSecond: 100,
      burst: 10,
      now,
      sleep,
    });

    // Act
    for (let i = 0; i < 60; i++) await producer.put({ data: `r${i}` });
    const { stats } = await producer.close();

    // Assess: the first 10 records are the burst; the 50 others waited 10 ms of virtual time each
    expect(stats.sent).toBe(60);
    expect(clock.waits).toHaveLength(50);
    expect(clock.now).toBeCloseTo(500, 6);
    kinesis.restore();
  });
});
