import { describe, expect, it } from 'vitest';
import { type BatcherSettings, ShardBatcher, type VirtualInvocation } from '../../bench/cost/ShardBatcher.ts';

const SETTINGS: BatcherSettings = {
  batchSize: 3,
  maxBatchingWindowMs: 5_000,
  maxPayloadBytes: 6 * 1024 * 1024,
  intervalMs: 0,
};

const summary = (invocations: readonly VirtualInvocation[]): string[] =>
  invocations.map(
    (i) =>
      `${i.final ? 'final' : 'batch'} ${i.first}+${i.count} @${i.invokeAtMs}${i.window ? ` [${i.window.startMs},${i.window.endMs})` : ''}`,
  );

describe('Class: ShardBatcher', () => {
  it('invokes when the batch size is reached, at the arrival of the last record', () => {
    // Prepare
    const batcher = new ShardBatcher(SETTINGS);

    // Act
    const due = [100, 200, 300, 400].flatMap((ms) => batcher.push(ms, 200));

    // Assess
    expect(summary(due)).toEqual(['batch 0+3 @300']);
  });

  it('invokes when the batching window has passed since the batch’s first record', () => {
    // Prepare
    const batcher = new ShardBatcher(SETTINGS);
    batcher.push(1_000, 200);
    batcher.push(2_000, 200);

    // Act
    const early = batcher.advanceTo(5_999);
    const due = batcher.advanceTo(6_000);

    // Assess
    expect(early).toEqual([]);
    expect(summary(due)).toEqual(['batch 0+2 @6000']);
  });

  it('closes a waiting batch before a record that arrives after its window', () => {
    // Prepare
    const batcher = new ShardBatcher(SETTINGS);
    batcher.push(0, 200);

    // Act
    const due = batcher.push(7_000, 200);

    // Assess
    expect(summary(due)).toEqual(['batch 0+1 @5000']);
    expect(summary(batcher.advanceTo(12_000))).toEqual(['batch 1+1 @12000']);
  });

  it('invokes before the payload limit would be exceeded', () => {
    // Prepare
    const batcher = new ShardBatcher({ ...SETTINGS, batchSize: 100, maxPayloadBytes: 1_000 });

    // Act
    const due = [0, 1, 2].flatMap((ms) => batcher.push(ms, 400));

    // Assess
    expect(summary(due)).toEqual(['batch 0+2 @2']);
  });

  it('never lets a batch span a tumbling-window interval and ends each interval with a final invocation', () => {
    // Prepare
    const batcher = new ShardBatcher({ ...SETTINGS, intervalMs: 60_000 });

    // Act
    const due = [
      ...batcher.push(58_000, 200),
      ...batcher.push(61_000, 200),
      ...batcher.push(62_000, 200),
      ...batcher.advanceTo(120_000),
    ];

    // Assess
    expect(summary(due)).toEqual([
      'batch 0+1 @60000 [0,60000)',
      'final 1+0 @60000 [0,60000)',
      'batch 1+2 @66000 [60000,120000)',
      'final 3+0 @120000 [60000,120000)',
    ]);
  });

  it('makes no final invocation for an interval without records', () => {
    // Prepare
    const batcher = new ShardBatcher({ ...SETTINGS, intervalMs: 60_000 });
    batcher.push(10_000, 200);

    // Act
    const due = [...batcher.advanceTo(60_000), ...batcher.advanceTo(600_000)];

    // Assess
    expect(summary(due)).toEqual(['batch 0+1 @15000 [0,60000)', 'final 1+0 @60000 [0,60000)']);
  });

  it('rejects records pushed out of arrival order', () => {
    // Prepare
    const batcher = new ShardBatcher(SETTINGS);
    batcher.push(1_000, 200);

    // Act & Assess
    expect(() => batcher.push(999, 200)).toThrow(/arrival order/);
  });
});
