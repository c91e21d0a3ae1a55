import { describe, expect, it } from 'vitest';
import { PipelineCounters } from '../../local/runtime/PipelineCounters.ts';

const report = (pipeline: string, overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    level: 'INFO',
    message: 'Batch processed',
    service: 'streamfold',
    pipeline,
    shardId: 'shardId-000000000000',
    recordsIn: 10,
    folded: 7,
    filtered: 0,
    rejected: 2,
    late: 1,
    itemsWritten: 3,
    deadLettersWritten: 3,
    writeUnits: 6,
    failedSequence: undefined,
    ...overrides,
  });

describe('Class: PipelineCounters', () => {
  it('adds up the batch reports it finds in the function logs, per pipeline', () => {
    // Prepare
    const counters = new PipelineCounters();

    // Act
    counters.ingest(report('ohlc'));
    counters.ingest(report('ohlc', { failedSequence: '42' }));
    counters.ingest(report('sensor-stats'));

    // Assess
    expect(counters.of('ohlc')).toStrictEqual({
      batches: 2,
      recordsIn: 20,
      folded: 14,
      filtered: 0,
      rejected: 4,
      late: 2,
      itemsWritten: 6,
      deadLettersWritten: 6,
      writeUnits: 12,
      failedBatches: 1,
    });
    expect(counters.of('sensor-stats').batches).toBe(1);
    expect(counters.recentLines()).toStrictEqual([]);
  });

  it('keeps warnings, errors and stray text (cut), and ignores other structured lines', () => {
    // Prepare
    const counters = new PipelineCounters(2);

    // Act
    counters.ingest(JSON.stringify({ level: 'INFO', message: 'Windows finalized' }));
    counters.ingest(JSON.stringify({ _aws: { CloudWatchMetrics: [] }, RecordsIn: 3 }));
    counters.ingest(JSON.stringify({ level: 'ERROR', message: 'Write failed' }));
    counters.ingest('TypeError: boom');
    counters.ingest(`x${'y'.repeat(400)}`);

    // Assess: at most 2 kept, long lines cut
    const lines = counters.recentLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('TypeError: boom');
    expect(lines[1]?.length).toBe(301);
  });

  it('gives the lines kept since a mark, and says how many of them it no longer holds', () => {
    // Prepare
    const counters = new PipelineCounters(2);

    // Act
    const none = counters.linesSince(0);
    counters.ingest(JSON.stringify({ level: 'WARN', message: 'first' }));
    counters.ingest(report('ohlc'));
    const one = counters.linesSince(none.mark);
    counters.ingest('second');
    counters.ingest('third');
    counters.ingest('fourth');
    const three = counters.linesSince(one.mark);
    const again = counters.linesSince(three.mark);

    // Assess
    expect(none).toStrictEqual({ lines: [], dropped: 0, mark: 0 });
    expect(one).toStrictEqual({ lines: ['{"level":"WARN","message":"first"}'], dropped: 0, mark: 1 });
    expect(three).toStrictEqual({ lines: ['third', 'fourth'], dropped: 1, mark: 4 });
    expect(again).toStrictEqual({ lines: [], dropped: 0, mark: 4 });
  });
});
