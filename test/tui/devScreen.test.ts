import { EventEmitter } from 'node:events';
import xterm from '@xterm/headless';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { renderDevScreen } from '../../cli/tui/renderDevScreen.ts';
import { parseKeys, TerminalScreen } from '../../cli/tui/TerminalScreen.ts';
import type { DashboardSnapshot, PipelineView, ResultPanel } from '../../cli/tui/types.ts';
import type { QueryResult } from '../../shared/query/types.ts';

const { Terminal } = xterm;

const totals = {
  batches: 4_012,
  recordsIn: 1_234_567,
  folded: 1_230_001,
  filtered: 0,
  rejected: 4_321,
  late: 245,
  itemsWritten: 40,
  deadLettersWritten: 10,
  writeUnits: 60,
  failedBatches: 0,
};

const shard = (id: number): PipelineView['shards'][number] => ({
  shardId: `shardId-00000000000${id}`,
  state: 'polling',
  parentShardIds: [],
  recordsRead: 600,
  batchesInvoked: 2,
  retries: 0,
  failures: 0,
  recordsDiscarded: 0,
  windowsClosed: 0,
  recordsPending: 0,
  millisBehindLatest: 1200,
  lastSequenceNumber: '1',
  lastResult: undefined,
});

const pipeline = (name: string): PipelineView => ({
  name,
  stream: `${name}-stream`,
  resultsTable: `streamfold-${name}-results`,
  produced: { produced: 1_240_000, malformed: 4_321, failed: 0 },
  totals,
  shards: [shard(0), shard(1), shard(2), shard(3)],
  resultsAgeMs: 4_200,
  hints: [
    'Query the results (the local services accept any credentials):',
    `  npx streamfold top ${name} --metric requests --chart --endpoint http://127.0.0.1:45678`,
    `  npx streamfold query ${name} --endpoint http://127.0.0.1:45678`,
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws dynamodb scan --table-name streamfold-${name}-results --endpoint-url http://127.0.0.1:45678 --region us-east-1`,
  ],
});

const result = (i: number): QueryResult => ({
  group: { sensor: `sensor-${i}-in-the-north-east-building-floor-${i}`, site: '東京-plant' },
  window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
  records: 40,
  metrics: {
    readings: 1000 + i,
    mean: 85.6354 + i,
    latency: { p50: 85.6354, p90: 87.3654, p99: 99.1234 },
    top: [
      { value: 'a-very-long-value', count: 12 },
      { value: 'another', count: 3 },
    ],
  },
  status: 'open',
  updatedAt: '2026-11-21T08:30:55.000Z',
});

const panels: ResultPanel[] = [
  {
    pipeline: 'requests-by-ip',
    title: 'Top client IPs by requests, minute 08:30 UTC — PARTIAL: window still open',
    kind: 'bars',
    metric: 'readings',
    metricNames: ['readings'],
    groupBy: ['sensor'],
    results: Array.from({ length: 8 }, (_, i) => result(i)),
  },
  {
    pipeline: 'sensor-stats-with-a-rather-long-pipeline-name',
    title:
      'Latest window 08:30 UTC: per-sensor statistics over one-minute windows, with quantiles and top values',
    kind: 'table',
    metricNames: ['readings', 'mean', 'latency', 'top'],
    groupBy: ['sensor', 'site'],
    results: Array.from({ length: 40 }, (_, i) => result(i)),
  },
];

const snapshot: DashboardSnapshot = {
  endpoints: {
    kinesis: 'http://127.0.0.1:45677',
    dynamodb: 'http://127.0.0.1:45678',
    dynamodbKind: 'dynalite',
  },
  demo: true,
  pipelines: [
    pipeline('requests-by-ip'),
    pipeline('sensor-stats-with-a-rather-long-pipeline-name'),
    pipeline('ohlc'),
    pipeline('category-averages'),
  ],
  panels,
  recentLogs: [`{"level":"WARN","message":"${'x'.repeat(300)}"}`],
  hints: [],
  dashboardUrl: 'http://127.0.0.1:45679/?token=0123456789abcdef0123456789abcdef0123456789abcdef',
};

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 200, rows: 60 },
] as const;

/** A terminal output stream that writes into a headless xterm of its own size. */
class XtermOutput extends EventEmitter {
  public readonly terminal: InstanceType<typeof Terminal>;
  private pending: Promise<void> = Promise.resolve();
  public constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
    this.terminal = new Terminal({ cols: columns, rows, allowProposedApi: true, scrollback: 1000 });
  }
  public write(text: string): boolean {
    this.pending = this.pending.then(() => new Promise((resolve) => this.terminal.write(text, resolve)));
    return true;
  }
  public resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.terminal.resize(columns, rows);
    this.emit('resize');
  }
  public settled(): Promise<void> {
    return this.pending;
  }
  /** The lines of a buffer, as text. */
  public lines(which: 'active' | 'normal'): string[] {
    const buffer = which === 'active' ? this.terminal.buffer.active : this.terminal.buffer.normal;
    return Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? '');
  }
  public wrapped(): boolean {
    const buffer = this.terminal.buffer.active;
    return Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.isWrapped === true).some(
      Boolean,
    );
  }
}

class FakeInput extends EventEmitter {
  public raw: boolean[] = [];
  public setRawMode(mode: boolean): void {
    this.raw.push(mode);
  }
  public resume(): void {}
  public pause(): void {}
}

describe('Function: renderDevScreen', () => {
  describe.each(SIZES)('at $columns×$rows', ({ columns, rows }) => {
    it.each(snapshot.pipelines.map((p, i) => ({ name: p.name, i })))(
      'fills the screen with $name and no line is wider than it',
      ({ i }) => {
        // Act
        const lines = renderDevScreen(snapshot, { columns, rows, selected: i });

        // Assess
        expect(lines).toHaveLength(rows);
        for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(columns);
        expect(lines[0]).toContain(`[${i + 1}/4]`);
      },
    );
  });

  it('shows the selected pipeline’s counters, its panel and how to query it', () => {
    // Act
    const text = renderDevScreen(snapshot, { columns: 200, rows: 60, selected: 0 }).join('\n');

    // Assess
    expect(text).toContain('in 1,234,567  folded 1,230,001  rejected 4,321  late 245');
    expect(text).toContain(
      'produced 1,240,000 (malformed 4,321)  read 2,400 Kinesis records (0 waiting for the handler)  lag 1200/1200/1200/1200 ms  results written 4 s ago',
    );
    expect(text).toMatch(/sensor-0-in-the-north-east-building-floor-0 +█+ +1000/);
    expect(text).toContain('npx streamfold top requests-by-ip --metric requests');
    expect(text).toContain(`Web dashboard: ${snapshot.dashboardUrl}`);
    expect(text).not.toContain('sensor-stats-with-a-rather-long-pipeline-name-stream');
  });

  it('shows the records read and waiting for the handler, and when results come, before the first batch returns', () => {
    // Prepare
    const zero = Object.fromEntries(Object.keys(totals).map((key) => [key, 0])) as typeof totals;
    const starting = (flushEveryMs: number): DashboardSnapshot => ({
      ...snapshot,
      pipelines: [
        {
          ...pipeline('ohlc'),
          produced: { produced: 51, malformed: 1, failed: 0 },
          totals: zero,
          shards: [
            { ...shard(0), recordsRead: 6, recordsPending: 6, batchesInvoked: 0 },
            { ...shard(1), recordsRead: 13, recordsPending: 13, batchesInvoked: 0 },
          ],
          resultsAgeMs: undefined,
          flushEveryMs,
        },
      ],
    });

    // Act
    const buffered = renderDevScreen(starting(5000), { columns: 200, rows: 60, selected: 0 }).join('\n');
    const perBatch = renderDevScreen(starting(0), { columns: 200, rows: 60, selected: 0 }).join('\n');

    // Assess
    expect(buffered).toContain('in 0  folded 0  rejected 0  late 0  batches 0');
    expect(buffered).toContain(
      'produced 51 (malformed 1)  read 19 Kinesis records (19 waiting for the handler)  lag 1200/1200 ms  no results stored yet: written at each flush, every 5 s per shard',
    );
    expect(perBatch).toMatch(/lag 1200\/1200 ms {2}no results stored yet *\n/);
  });

  it('drops table columns that do not fit and says so, instead of wrapping', () => {
    // Act
    const narrow = renderDevScreen(snapshot, { columns: 80, rows: 24, selected: 1 }).join('\n');
    const wide = renderDevScreen(snapshot, { columns: 200, rows: 60, selected: 1 }).join('\n');

    // Assess
    expect(narrow).toMatch(/\(\+\d more columns: widen the terminal/);
    expect(wide).toContain('p50=85.6354 p90=87.3654 p99=99.1234');
  });

  it('wraps the selection around and wraps negative indexes', () => {
    expect(renderDevScreen(snapshot, { columns: 80, rows: 24, selected: 5 })[0]).toContain('[2/4]');
    expect(renderDevScreen(snapshot, { columns: 80, rows: 24, selected: -1 })[0]).toContain('[4/4]');
  });
});

describe('Function: parseKeys', () => {
  it.each([
    ['q', [{ kind: 'quit' }]],
    ['\u0003', [{ kind: 'interrupt' }]],
    ['\u001b[C\u001b[D', [{ kind: 'next' }, { kind: 'previous' }]],
    ['\t3', [{ kind: 'next' }, { kind: 'select', index: 2 }]],
    ['x', []],
  ])('parses %j', (data, keys) => {
    expect(parseKeys(data)).toStrictEqual(keys);
  });
});

describe('Class: TerminalScreen', () => {
  it.each(SIZES)(
    'draws on the alternate screen at $columns×$rows without wrapping, follows a resize, and restores the terminal',
    async ({ columns, rows }) => {
      // Prepare
      const output = new XtermOutput(columns, rows);
      const input = new FakeInput();
      output.write('$ npm start\r\n');
      let selected = 0;
      const screen = new TerminalScreen({
        output,
        input,
        onKey: (key) => {
          if (key.kind === 'next') selected += 1;
        },
        onResize: () => screen.draw(renderDevScreen(snapshot, { ...screen.size(), selected })),
      });

      // Act
      screen.open();
      for (let frame = 0; frame < 5; frame += 1) {
        screen.draw(renderDevScreen(snapshot, { ...screen.size(), selected }));
      }
      input.emit('data', Buffer.from('\u001b[C'));
      screen.draw(renderDevScreen(snapshot, { ...screen.size(), selected }));
      await output.settled();

      // Assess: the frame fills the alternate screen, nothing wrapped, nothing went to the scrollback
      expect(output.terminal.buffer.active.type).toBe('alternate');
      expect(output.wrapped()).toBe(false);
      expect(output.terminal.buffer.active.baseY).toBe(0);
      const shown = output.lines('active');
      expect(shown[0]).toContain('[2/4] sensor-stats-with');
      expect(shown.at(-1)?.trim()).not.toBe('');
      expect(input.raw).toStrictEqual([true]);

      // Act: a smaller terminal
      output.resize(60, 20);
      await output.settled();

      // Assess
      expect(output.wrapped()).toBe(false);
      expect(output.lines('active')[0]).toContain('[2/4]');

      // Act
      screen.close();
      await output.settled();

      // Assess: the main screen is as it was, no frame in it or in its scrollback
      expect(output.terminal.buffer.active.type).toBe('normal');
      expect(output.terminal.buffer.normal.baseY).toBe(0);
      expect(output.lines('normal').join('\n').trim()).toBe('$ npm start');
      expect(input.raw).toStrictEqual([true, false]);
    },
  );

  it('gives the terminal back before a crash is reported', async () => {
    // Prepare
    const output = new XtermOutput(80, 24);
    const screen = new TerminalScreen({ output });
    screen.open();
    screen.draw(renderDevScreen(snapshot, { columns: 80, rows: 24, selected: 0 }));

    // Act: what Node does first on an uncaught exception, before printing it
    (process.emit as (event: string, ...args: unknown[]) => boolean)(
      'uncaughtExceptionMonitor',
      new Error('boom'),
      'uncaughtException',
    );
    await output.settled();

    // Assess
    expect(output.terminal.buffer.active.type).toBe('normal');
    expect(output.lines('normal').join('').trim()).toBe('');
  });
});
