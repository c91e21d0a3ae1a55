import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { json } from '../../shared/decode/json.ts';
import { definePipeline } from '../../shared/definition/definePipeline.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { compareResults, type WindowResult, windowResult } from '../../shared/fold/windowResult.ts';
import {
  count,
  distinct,
  max,
  mean,
  min,
  quantiles,
  sum,
  type TopKEntry,
  topK,
  variance,
} from '../../shared/metrics/index.ts';
import { mergeWindowItems } from '../../shared/query/mergeWindowItems.ts';
import { rollupPlan } from '../../shared/query/rollupPlan.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { buildResultItem } from '../../shared/storage/resultItem.ts';
import { hopping } from '../../shared/window/hopping.ts';
import { tumbling } from '../../shared/window/tumbling.ts';
import type { WindowSpec } from '../../shared/window/types.ts';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-21T06:00:00Z');
const TOP_K = 3;
const TOP_K_CAPACITY = 4;

/** The same metrics over any window: only the window differs between the fine and the coarse pipeline. */
const pipeline = (window: WindowSpec): PipelineDefinition =>
  definePipeline({
    name: 'rollup-property',
    stream: 'rollup-property',
    decode: json(),
    groupBy: ['host'],
    eventTime: 'time',
    window,
    metrics: {
      requests: count(),
      bytes: sum('bytes'),
      fastest: min('ms'),
      slowest: max('ms'),
      meanMs: mean('ms'),
      spread: variance('ms'),
      users: distinct('user'),
      latency: quantiles('ms'),
      // A small capacity, so that the random streams overflow it and the bound is exercised.
      topUsers: topK('user', TOP_K, { capacity: TOP_K_CAPACITY }),
    },
    retention: '30d',
    rankBy: ['requests'],
  });

const EXACT = ['requests', 'bytes', 'fastest', 'slowest', 'meanMs', 'spread', 'users', 'latency'] as const;

const event = fc.record({
  host: fc.constantFrom('a', 'b', 'c'),
  // Within three hours, so that a rollup spans several buckets.
  offsetMs: fc.integer({ min: 0, max: 3 * HOUR - 1 }),
  bytes: fc.integer({ min: 0, max: 1_000_000 }),
  ms: fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.double({ min: 0.01, max: 1e4, noNaN: true })),
  user: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9', 'u10'),
});

type Event = typeof event extends fc.Arbitrary<infer T> ? T : never;

const sources = (events: readonly Event[]): SourceRecord[] =>
  events.map((e, i) => {
    const timeMs = START + e.offsetMs;
    return {
      data: Buffer.from(
        JSON.stringify({
          host: e.host,
          bytes: e.bytes,
          ms: e.ms,
          user: e.user,
          time: new Date(timeMs).toISOString(),
        }),
      ),
      sequenceNumber: String(i + 1),
      partitionKey: e.host,
      // Arrives as it happens: never late.
      arrivalMs: timeMs,
    };
  });

/** Folds the events with `definition` and writes every (group, window) as the sink would: real results items. */
const storedItems = (definition: PipelineDefinition, events: readonly Event[], nowMs: number) => {
  const batch = new BatchFolder(definition).fold(sources(events));
  return [...batch.aggregates.values()].map((aggregate) =>
    buildResultItem(definition, {
      groupKey: aggregate.groupKey,
      group: aggregate.group,
      windowStartMs: aggregate.windowStartMs,
      aggregate: { records: aggregate.records, states: aggregate.states },
      applied: { 'shardId-000000000000': '1' },
      version: 1,
      nowMs,
    }),
  );
};

/** What folding the events with one-hour windows gives, as `fold --json` results. */
const foldedHourly = (events: readonly Event[]): WindowResult[] => {
  const hourly = pipeline(tumbling('1h'));
  const batch = new BatchFolder(hourly).fold(sources(events));
  return [...batch.aggregates.values()]
    .map((a) => windowResult(hourly, a.group, a.windowStartMs, a))
    .sort(compareResults(hourly));
};

/** Checks the rollup of the fine windows against the hourly fold: exact metrics equal, top-k within its bound. */
const expectSameAsHourly = (
  rolled: readonly WindowResult[],
  hourly: readonly WindowResult[],
  events: readonly Event[],
): void => {
  expect(rolled.map((r) => [r.group, r.window, r.records])).toStrictEqual(
    hourly.map((r) => [r.group, r.window, r.records]),
  );
  rolled.forEach((r, i) => {
    const expected = hourly[i] as WindowResult;
    for (const name of EXACT) expect(r.metrics[name], name).toStrictEqual(expected.metrics[name]);
    // Top-k (Misra–Gries): each reported count is a lower bound of the true count, at most
    // total / (capacity + 1) below it; every value above that share is reported.
    const start = Date.parse(r.window.start);
    const inBucket = events.filter(
      (e) => e.host === r.group.host && START + e.offsetMs >= start && START + e.offsetMs < start + HOUR,
    );
    const truth = new Map<string, number>();
    for (const e of inBucket) truth.set(e.user, (truth.get(e.user) ?? 0) + 1);
    const bound = inBucket.length / (TOP_K_CAPACITY + 1);
    const top = r.metrics.topUsers as readonly TopKEntry[];
    expect(top.length).toBeLessThanOrEqual(TOP_K);
    for (const entry of top) {
      const exact = truth.get(entry.value) ?? 0;
      expect(entry.count).toBeLessThanOrEqual(exact);
      expect(exact - entry.count).toBeLessThanOrEqual(bound);
    }
    const reported = new Set(top.map((e) => e.value));
    const sortedTruth = [...truth.values()].sort((a, b) => b - a);
    const kth = sortedTruth[TOP_K - 1] ?? 0;
    for (const [value, n] of truth) {
      // A value that must rank in the top k by more than the error bound is reported.
      if (n > kth + bound && n > bound) expect(reported.has(value), value).toBe(true);
    }
  });
};

describe('Function: mergeWindowItems (rollup property)', () => {
  it('rolls 1-minute windows up to 1 hour exactly as folding with 1-hour windows', () => {
    const minute = pipeline(tumbling('1m'));
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 300 }), (events) => {
        // Prepare
        const nowMs = START + 10 * HOUR;
        const items = storedItems(minute, events, nowMs);

        // Act
        const plan = rollupPlan(minute, START, START + 3 * HOUR, HOUR);
        const { results, windowsMerged, windowsSkipped } = mergeWindowItems(minute, plan, items, nowMs);

        // Assess
        expect(windowsMerged).toBe(items.length);
        expect(windowsSkipped).toBe(0);
        expect(results.reduce((n, r) => n + r.windows, 0)).toBe(items.length);
        expect(results.every((r) => !r.partial && !r.open)).toBe(true);
        expectSameAsHourly(results, foldedHourly(events), events);
      }),
      { numRuns: 150 },
    );
  });

  it('rolls hopping windows up by merging only those that tile the hour', () => {
    const hop = pipeline(hopping('5m', '1m'));
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 200 }), (events) => {
        // Prepare
        const nowMs = START + 10 * HOUR;
        const items = storedItems(hop, events, nowMs);

        // Act
        const plan = rollupPlan(hop, START, START + 3 * HOUR, HOUR);
        const { results, windowsMerged, windowsSkipped } = mergeWindowItems(hop, plan, items, nowMs);

        // Assess: the windows starting at a multiple of 5 minutes, and no other, count each record once.
        const tiling = items.filter((item) => Date.parse(item.windowStart?.S ?? '') % 300_000 === 0);
        const inRange = items.filter((item) => Date.parse(item.windowStart?.S ?? '') >= START);
        expect(windowsMerged).toBe(tiling.length);
        expect(windowsSkipped).toBe(inRange.length - tiling.length);
        expectSameAsHourly(results, foldedHourly(events), events);
      }),
      { numRuns: 100 },
    );
  });

  it('rolls the whole range into one bucket with every: all', () => {
    const minute = pipeline(tumbling('1m'));
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 200 }), (events) => {
        // Prepare
        const nowMs = START + 10 * HOUR;
        const items = storedItems(minute, events, nowMs);
        const threeHours = pipeline(tumbling('3h'));
        const batch = new BatchFolder(threeHours).fold(sources(events));
        const expected = [...batch.aggregates.values()]
          .map((a) => windowResult(threeHours, a.group, a.windowStartMs, a))
          .sort(compareResults(threeHours));

        // Act
        const plan = rollupPlan(minute, START, START + 3 * HOUR, 'all');
        const { results } = mergeWindowItems(minute, plan, items, nowMs);

        // Assess
        expect(results.map((r) => r.window)).toStrictEqual(expected.map((r) => r.window));
        results.forEach((r, i) => {
          for (const name of EXACT) expect(r.metrics[name]).toStrictEqual(expected[i]?.metrics[name]);
        });
      }),
      { numRuns: 50 },
    );
  });
});
