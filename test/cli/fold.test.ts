import { describe, expect, it } from 'vitest';
import { runFold } from '../../cli/commands/fold.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';

describe('Command: streamfold fold', () => {
  it('folds the access-log sample with requests-by-ip', async () => {
    // Act
    const { report } = await runFold('requests-by-ip', {
      input: 'samples/access.log',
      arrival: '2026-11-21T08:32:00Z',
    });

    // Assess
    expect(report.pipeline).toBe('requests-by-ip');
    expect(report.results.map((r) => [r.window.start, r.group.ip])).toStrictEqual([
      ['2026-11-21T08:30:00.000Z', '198.51.100.23'],
      ['2026-11-21T08:30:00.000Z', '2001:db8::1'],
      ['2026-11-21T08:30:00.000Z', '203.0.113.9'],
      ['2026-11-21T08:31:00.000Z', '198.51.100.23'],
      ['2026-11-21T08:31:00.000Z', '203.0.113.9'],
    ]);
    const heavy = report.results[2];
    expect(heavy?.window).toStrictEqual({
      start: '2026-11-21T08:30:00.000Z',
      end: '2026-11-21T08:31:00.000Z',
    });
    expect(heavy?.metrics).toMatchObject({
      requests: 3,
      errors: 1,
      bytes: 1555,
      paths: 2,
      topPaths: [
        { value: '/api/items', count: 2 },
        { value: '/index.html', count: 1 },
      ],
    });
    const latency = heavy?.metrics.latency as Record<string, number>;
    expect(Math.abs((latency.p50 as number) - 48) / 48).toBeLessThanOrEqual(0.01);
    // DDSketch convention: the value at rank q·(n−1), so p99 of three values is the middle one
    expect(Math.abs((latency.p99 as number) - 48) / 48).toBeLessThanOrEqual(0.01);
    expect(report.results[0]?.metrics.latency).toStrictEqual({ p50: null, p90: null, p95: null, p99: null });
    expect(report.results[1]?.metrics.bytes).toBe(0); // '-' bytes are skipped, not an error
    expect(report.rejected).toStrictEqual([
      {
        reason: 'access-log-syntax',
        line: 7,
        excerpt: 'this is not an access log line',
        message: expect.any(String),
      },
    ]);
    expect(report.late).toBe(0);
  });

  it('folds the trades sample into OHLC candles', async () => {
    // Act
    const { report } = await runFold('ohlc', {
      input: 'samples/trades.ndjson',
      arrival: '2026-11-21T08:35:00Z',
    });

    // Assess
    expect(report.results[0]).toStrictEqual({
      group: { symbol: 'ACME' },
      window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
      metrics: {
        open: 100,
        high: 101.5,
        low: 99,
        close: 100.5,
        volume: 45,
        vwap: (100 * 10 + 101.5 * 5 + 99 * 20 + 100.5 * 10) / 45,
        trades: 4,
      },
    });
    expect(report.rejected.map((r) => [r.line, r.reason])).toStrictEqual([
      [7, 'invalid-field-type'],
      [8, 'invalid-json'],
    ]);
    expect(report.stats).toStrictEqual({
      in: 8,
      folded: 6,
      filtered: 0,
      rejected: 2,
      late: 0,
      lateAssignments: 0,
    });
  });

  it('folds the CSV sample, skipping its header line', async () => {
    // Act
    const { report } = await runFold('category-averages', {
      input: 'samples/csv-rows.csv',
      arrival: '2026-11-21T08:35:00Z',
    });

    // Assess
    expect(report.results).toStrictEqual([
      {
        group: { category: 'books' },
        window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
        metrics: { rows: 3, price: 40 / 3, quantity: 2 },
      },
      {
        group: { category: 'garden, outdoor' },
        window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
        metrics: { rows: 1, price: 40, quantity: 3 },
      },
      {
        group: { category: 'books' },
        window: { start: '2026-11-21T08:31:00.000Z', end: '2026-11-21T08:32:00.000Z' },
        metrics: { rows: 1, price: 10, quantity: 1 },
      },
    ]);
    expect(report.rejected.map((r) => [r.line, r.reason])).toStrictEqual([
      [7, 'csv-type'],
      [8, 'csv-column-count'],
    ]);
  });

  it('folds the sensors sample into hopping windows and counts the late reading', async () => {
    // Act
    const { report } = await runFold('sensor-stats', {
      input: 'samples/sensors.ndjson',
      arrival: '2026-11-21T08:35:00Z',
    });

    // Assess
    expect(report.late).toBe(1);
    expect(report.rejected.map((r) => r.reason)).toStrictEqual(['invalid-field-type']);
    const window0829 = report.results.find(
      (r) => r.window.start === '2026-11-21T08:29:00.000Z' && r.group.device === 'greenhouse-1',
    );
    expect(window0829?.window.end).toBe('2026-11-21T08:34:00.000Z');
    expect(window0829?.metrics).toMatchObject({ readings: 3, minTemp: 21.5, maxTemp: 23, meanTemp: 67 / 3 });
    expect(report.stats.in).toBe(report.stats.folded + report.stats.rejected + report.stats.late);
  });

  it('treats every record as late when the arrival time is long after the data', async () => {
    const { report } = await runFold('ohlc', {
      input: 'samples/trades.ndjson',
      arrival: '2030-01-01T00:00:00Z',
    });
    expect(report.results).toStrictEqual([]);
    expect(report.late).toBe(6);
  });

  it('prints one JSON document with --json, reading standard input', () => {
    // Act
    const { code, stdout } = runCliProcess(
      ['fold', 'ohlc', '--input', '-', '--json', '--arrival', '2026-11-21T08:35:00Z'],
      '{"symbol":"X","price":2,"qty":3,"time":"2026-11-21T08:30:00Z"}\nnot json\n',
    );

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toStrictEqual(['pipeline', 'results', 'rejected', 'late', 'stats']);
    expect(report.results[0].metrics.close).toBe(2);
    expect(report.rejected[0]).toMatchObject({ reason: 'invalid-json', line: 2, excerpt: 'not json' });
  });

  it.each([
    [['fold', 'no-such-pipeline', '--input', 'samples/trades.ndjson'], /Unknown pipeline "no-such-pipeline"/],
    [['fold', 'ohlc', '--input', 'samples/missing.ndjson'], /Input file not found: samples\/missing.ndjson/],
    [
      ['fold', 'ohlc', '--input', 'samples/trades.ndjson', '--arrival', 'noon'],
      /--arrival must be an ISO 8601 timestamp/,
    ],
    [['fold', 'ohlc'], /required option '-i, --input <file>' not specified/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 with one clear line for a usage error: %j', (args, message) => {
    const { code, stderr } = runCliProcess(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('loads a pipeline from a module path, choosing one with #name', async () => {
    // Prepare
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/streamfold-fold-');
    writeFileSync(
      `${dir}/web.ndjson`,
      '{"host":"a","bytes":10,"ts":1795249800}\n{"host":"a","bytes":5,"ts":1795249810}\n',
    );

    // Act
    const { report } = await runFold('test/fixtures/pipelines/custom.ts#bytes-by-host', {
      input: `${dir}/web.ndjson`,
      arrival: '2026-11-21T08:31:00Z',
    });

    // Assess
    expect(report.pipeline).toBe('bytes-by-host');
    expect(report.results).toStrictEqual([
      {
        group: { host: 'a' },
        window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
        metrics: { hits: 2, bytes: 15 },
      },
    ]);
  });

  it.each([
    [
      ['fold', 'test/fixtures/pipelines/custom.ts', '--input', 'samples/trades.ndjson'],
      /exports several pipelines \(bytes-by-host, hits-only\); choose one with test\/fixtures\/pipelines\/custom.ts#<name>/,
    ],
    [
      ['fold', 'test/fixtures/pipelines/custom.ts#nope', '--input', 'samples/trades.ndjson'],
      /has no pipeline named "nope" \(it exports: bytes-by-host, hits-only\)/,
    ],
    [
      ['fold', 'test/fixtures/pipelines/broken.ts', '--input', 'samples/trades.ndjson'],
      /Pipeline "Broken Name" is invalid:\n {2}- name: must be lower-case/,
    ],
  ])('exits 2 naming the problem with a pipeline module: %j', (args, message) => {
    const { code, stderr } = runCliProcess(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('shows help and exits 0', () => {
    const { code, stdout } = runCliProcess(['fold', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: streamfold fold [options] <pipeline>');
    expect(stdout).toContain('--arrival <iso>');
  });
});
