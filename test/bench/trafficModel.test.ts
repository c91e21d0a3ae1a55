import { describe, expect, it } from 'vitest';
import { keysOfShard, shardOfKey } from '../../bench/cost/shardOfKey.ts';
import { TRAFFIC_DELAYS, trafficClock } from '../../bench/cost/trafficClock.ts';
import { accessLogs } from '../../bench/data/accessLogs.ts';
import { keptSampler } from '../../bench/data/keptSampler.ts';
import { seededRandom } from '../../bench/data/prng.ts';
import { trades } from '../../bench/data/trades.ts';
import { zipfSampler } from '../../bench/data/zipf.ts';

describe('Function: shardOfKey', () => {
  it('puts every key on exactly one shard, the same one every time, spread over all shards', () => {
    // Prepare
    const keys = Array.from({ length: 4_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);

    // Act
    const shards = keys.map((key) => shardOfKey(key, 4));
    const counts = [0, 1, 2, 3].map((s) => shards.filter((x) => x === s).length);

    // Assess
    expect(keys.map((key) => shardOfKey(key, 4))).toEqual(shards);
    expect(shards.every((s) => s >= 0 && s < 4)).toBe(true);
    for (const n of counts) expect(n).toBeGreaterThan(850); // 1,000 expected per shard
    for (const key of keys.slice(0, 100)) {
      expect([0, 1, 2, 3].filter((s) => keysOfShard(s, 4)(key))).toEqual([shardOfKey(key, 4)]);
    }
  });

  it('puts everything on shard 0 of a one-shard stream', () => {
    // Act & Assess
    expect(shardOfKey('anything', 1)).toBe(0);
  });
});

describe('Function: trafficClock', () => {
  it('spaces arrivals evenly and puts event times before arrivals, a few of them minutes before', () => {
    // Prepare
    const random = seededRandom(3);
    const clock = trafficClock(60_000);
    const count = 200_000;

    // Act
    const times = Array.from({ length: count }, (_, i) => clock(random, i, count, 1_000_000));
    const delays = times.map((t) => t.arrivalMs - t.eventMs);
    const tooLate = delays.filter((d) => d >= 420_000).length / count;
    const lateAccepted = delays.filter((d) => d >= 60_000 && d < 420_000).length / count;

    // Assess
    expect(times[0]?.arrivalMs).toBe(1_000_000);
    expect(times[count / 2]?.arrivalMs).toBe(1_030_000);
    expect(delays.every((d) => d >= 0)).toBe(true);
    expect(delays.filter((d) => d < 60_000).every((d) => d <= TRAFFIC_DELAYS.maxDelayMs)).toBe(true);
    expect(tooLate).toBeCloseTo(TRAFFIC_DELAYS.tooLateShare, 3);
    expect(lateAccepted).toBeCloseTo(TRAFFIC_DELAYS.lateAcceptedShare, 3);
  });

  it('drives a bench generator: one minute at 100 records/s', () => {
    // Act
    const records = accessLogs({ count: 6_000, seed: 2, startMs: 0, times: trafficClock(60_000) });

    // Assess
    expect(records[0]?.arrivalMs).toBe(0);
    expect(records[5_999]?.arrivalMs).toBe(59_990);
    expect(records.every((r) => typeof r.key === 'string' && r.text.startsWith(`${r.key} `))).toBe(true);
  });
});

describe('Function: keptSampler', () => {
  it('draws exactly the Zipf sequence when nothing is filtered', () => {
    // Prepare
    const pool = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const a = keptSampler(seededRandom(9), pool);
    const b = zipfSampler(seededRandom(9), pool.length, 1.1);

    // Act & Assess
    expect(Array.from({ length: 100 }, a)).toEqual(Array.from({ length: 100 }, b));
  });

  it('draws only kept values, and refuses a filter that keeps none', () => {
    // Prepare
    const pool = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const keep = (key: string): boolean => Number(key.slice(1)) % 3 === 0;
    const next = keptSampler(seededRandom(9), pool, keep);

    // Act
    const drawn = Array.from({ length: 500 }, () => pool[next()] as string);

    // Assess
    expect(drawn.every(keep)).toBe(true);
    expect(new Set(drawn).size).toBeGreaterThan(5);
    expect(() => keptSampler(seededRandom(9), pool, () => false)).toThrow(/accepts no value/);
  });

  it('keeps one shard’s groups in a generated batch when partitioning by group key', () => {
    // Act
    const records = accessLogs({ count: 2_000, seed: 4, keepGroup: keysOfShard(2, 4) });

    // Assess
    expect(records.every((r) => shardOfKey(r.key as string, 4) === 2)).toBe(true);
  });
});

describe('Option: poolSeed', () => {
  it('gives batches of different seeds the same groups, as consecutive minutes of one stream have', () => {
    // Act
    const keys = (seed: number, poolSeed?: number): Set<string> =>
      new Set(
        trades({ count: 5_000, seed, ...(poolSeed === undefined ? {} : { poolSeed }) }).map(
          (r) => r.key as string,
        ),
      );

    // Assess
    expect(keys(1, 1)).toEqual(keys(2, 1));
    expect(keys(1)).not.toEqual(keys(2));
  });
});
