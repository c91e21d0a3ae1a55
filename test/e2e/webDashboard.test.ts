import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardView } from '../../cli/dashboard/types.ts';
import { findChromium } from '../helpers/findChromium.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';

/**
 * The web dashboard in a real browser (Debian's Chromium driven by playwright-core), against
 * `streamfold dev` with known data: trades and sensor readings spread over the last ten minutes, a few
 * malformed records and one late reading. What it shows is compared with `streamfold query --json`.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/streamfold.js', import.meta.url));
/** Screenshots of each run, for people to look at (not compared). */
const SHOTS = join(ROOT, 'test-results', 'web-dashboard');

const SYMBOLS = ['ACME', 'GLOBX', 'INIT', 'WAYNE'] as const;
/** A symbol a hostile producer could send. */
const HOSTILE = '<img src=x id=xss onerror=document.title="xss">';
const DEVICES = ['greenhouse-1', 'greenhouse-2', 'cold-room'] as const;

/** Trades every 1.1 s over the last 4.4 minutes (none late: one-minute windows allow 5 minutes), and two rejected records. */
const tradeLines = (nowMs: number): string[] => {
  const lines = Array.from({ length: 240 }, (_, i) => {
    const symbol = SYMBOLS[i % SYMBOLS.length] as string;
    const base = [100, 54, 20, 7.8][i % SYMBOLS.length] as number;
    return JSON.stringify({
      symbol,
      price: Number((base * (1 + 0.02 * Math.sin(i / 9))).toFixed(2)),
      qty: 1 + ((i * 7) % 20),
      time: new Date(nowMs - (240 - i) * 1_100).toISOString(),
    });
  });
  // A group value that is HTML, in every minute shown: the page must show it as text, in its table and its charts' tooltips.
  const markup = [0, 1, 2, 3, 4].map((minutes) =>
    JSON.stringify({
      symbol: HOSTILE,
      price: 1,
      qty: 1,
      time: new Date(nowMs - minutes * 60_000).toISOString(),
    }),
  );
  return [
    ...lines,
    ...markup,
    'not json at all',
    JSON.stringify({ symbol: 'ACME', time: new Date(nowMs).toISOString() }),
  ];
};

/** Readings every 1.5 s over the last 4.5 minutes, and one two hours late (the only late record). */
const sensorLines = (nowMs: number): string[] => [
  ...Array.from({ length: 180 }, (_, i) =>
    JSON.stringify({
      device: DEVICES[i % DEVICES.length],
      temperature: 18 + (i % 10) / 2,
      humidity: 40 + ((i * 13) % 30),
      time: new Date(nowMs - (180 - i) * 1_500).toISOString(),
    }),
  ),
  JSON.stringify({
    device: 'cold-room',
    temperature: 4,
    humidity: 80,
    time: new Date(nowMs - 7_200_000).toISOString(),
  }),
];

/** A metric value as the page formats it (see cli/dashboard/assets/dashboard.js). */
const shown = (value: unknown): string => {
  const number = (v: unknown): string =>
    typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 4 }) : '-';
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number') return number(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}=${number(v)}`)
    .join(' ');
};

const waitFor = async (
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/*
 * Code run in the page, as text: this project compiles without the DOM's types, and these are small.
 */
/** The little of the page's globals that the functions waited on use. */
interface PageGlobals {
  readonly document: {
    readonly body: { readonly dataset: Record<string, string | undefined> };
    querySelector(selector: string): unknown;
  };
  readonly echarts: { getInstanceByDom(element: unknown): { getOption(): { yAxis: { data: string[] }[] } } };
}

/** The page has drawn every pipeline at least once (a function: the page's CSP allows no eval of text). */
const REFRESHED = (): boolean =>
  Number((globalThis as unknown as PageGlobals).document.body.dataset.refreshes ?? 0) >= 1;

/** The latest window's table of a pipeline: per row its group, window and each metric's raw value and text. */
const TABLE_ROWS = (pipeline: string): PageRow[] => {
  interface Node {
    getAttribute(name: string): string;
    querySelectorAll(selector: string): Iterable<Node>;
    readonly textContent: string;
  }
  const { document } = globalThis as unknown as { document: Node };
  return [...document.querySelectorAll(`section[data-pipeline="${pipeline}"] table.results tbody tr`)].map(
    (tr) => ({
      group: JSON.parse(tr.getAttribute('data-group')) as Record<string, string>,
      window: tr.getAttribute('data-window'),
      cells: [...tr.querySelectorAll('td[data-metric]')].map((td) => ({
        metric: td.getAttribute('data-metric'),
        value: JSON.parse(td.getAttribute('data-value')) as unknown,
        text: td.textContent,
      })),
    }),
  );
};

/** Every chart shown: how many data points ECharts holds, and how many canvas pixels are painted. */
const CHARTS = `[...document.querySelectorAll('section.pipeline figure[data-box]')]
  .filter((figure) => !figure.hidden)
  .map((figure) => {
    const div = figure.querySelector('[data-chart]');
    const canvas = div.querySelector('canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
    const points = echarts.getInstanceByDom(div).getOption().series
      .flatMap((s) => s.data)
      .filter((v) => v !== null && v !== undefined && v !== '-').length;
    return { chart: figure.closest('section').getAttribute('data-pipeline') + '/' + figure.getAttribute('data-box'), points, painted };
  })`;

/** The ohlc top-groups chart names a group among its bars. */
const TOP_BARS_NAME = (name: string): boolean => {
  const page = globalThis as unknown as PageGlobals;
  const div = page.document.querySelector('section[data-pipeline="ohlc"] [data-chart="top"]');
  return page.echarts.getInstanceByDom(div).getOption().yAxis[0]?.data.includes(name) === true;
};

/** The ohlc chart over time as drawn: its range, its points' starts, the note under the controls and each line. */
const SERIES_DRAWN = (): SeriesDrawn => {
  interface Element {
    readonly dataset: Record<string, string | undefined>;
    readonly textContent: string;
    querySelector(selector: string): Element;
  }
  const page = globalThis as unknown as {
    document: { querySelector(selector: string): Element };
    echarts: {
      getInstanceByDom(element: unknown): {
        getOption(): { series: { name: string; data: (number | null)[] }[] };
      };
    };
  };
  const section = page.document.querySelector('section[data-pipeline="ohlc"]');
  const option = page.echarts.getInstanceByDom(section.querySelector('[data-chart="series"]')).getOption();
  return {
    range: section.dataset.range ?? '',
    starts: JSON.parse(section.dataset.starts ?? '[]') as string[],
    note: section.querySelector('[data-field="series-note"]').textContent,
    lines: option.series.map((line) => ({ name: line.name, values: line.data })),
  };
};

/** The ohlc section shows the range chosen (its answer has come back and been drawn). */
const OHLC_RANGE_IS = (range: string): boolean =>
  (
    globalThis as unknown as {
      document: { querySelector(selector: string): { dataset: Record<string, string | undefined> } };
    }
  ).document.querySelector('section[data-pipeline="ohlc"]').dataset.range === range;

interface SeriesDrawn {
  readonly range: string;
  readonly starts: readonly string[];
  readonly note: string;
  readonly lines: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
}

interface PageRow {
  readonly group: Record<string, string>;
  readonly window: string;
  readonly cells: readonly { readonly metric: string; readonly value: unknown; readonly text: string }[];
}

interface QueryJson {
  readonly results: readonly {
    group: Record<string, string>;
    window: { start: string };
    metrics: Record<string, unknown>;
  }[];
}

describe('Web dashboard in Chromium, against streamfold dev with known data', () => {
  let dev: ChildProcess;
  let stderr = '';
  let url = '';
  let base = '';
  let kinesis = '';
  let dynamodb = '';
  let browser: Browser;
  let page: Page;
  let work: string;
  let lines = { trades: 0, sensors: 0 };

  const view = async (pipeline: string): Promise<DashboardView> => {
    const token = new URL(url).searchParams.get('token') ?? '';
    const response = await fetch(`${base}/api/view?token=${token}&pipeline=${pipeline}`);
    return (await response.json()) as DashboardView;
  };

  const processed = (v: DashboardView): number =>
    v.counters === undefined ? 0 : v.counters.folded + v.counters.rejected + v.counters.late;

  const produce = (stream: string, name: string, content: readonly string[]): void => {
    const file = join(work, name);
    writeFileSync(file, `${content.join('\n')}\n`);
    const put = runCliProcess(['produce', stream, '--input', file, '--endpoint', kinesis, '--json']);
    expect(put.code, put.stderr).toBe(0);
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'streamfold-web-'));
    mkdirSync(SHOTS, { recursive: true });
    dev = spawn(
      process.execPath,
      [
        BIN,
        'dev',
        '--pipelines',
        'ohlc,sensor-stats',
        '--no-dashboard',
        '--flush-every',
        '0',
        '--refresh',
        '1s',
      ],
      { cwd: ROOT },
    );
    dev.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    dev.stdout?.resume();
    await waitFor('the dashboard address', () => /web dashboard.*: (http\S+)/.test(stderr), 60_000);
    url = (/web dashboard.*: (http\S+)/.exec(stderr) as RegExpExecArray)[1] as string;
    base = new URL(url).origin;
    const ready = /ready\. Kinesis (\S+)\s+DynamoDB (\S+)/.exec(stderr) as RegExpExecArray;
    kinesis = ready[1] as string;
    dynamodb = ready[2] as string;

    const nowMs = Date.now();
    const trades = tradeLines(nowMs);
    const sensors = sensorLines(nowMs);
    lines = { trades: trades.length, sensors: sensors.length };
    produce('trades', 'trades.ndjson', trades);
    produce('sensors', 'sensors.ndjson', sensors);
    await waitFor(
      'every record folded, rejected or counted late',
      async () =>
        processed(await view('ohlc')) >= lines.trades &&
        processed(await view('sensor-stats')) >= lines.sensors,
      60_000,
    );
    browser = await chromium.launch({ executablePath: findChromium() });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    if (dev !== undefined && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      dev.kill('SIGINT');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a wrong or missing token with 403, for the page, its data and its scripts', async () => {
    // Act
    const wrong = await page.goto(`${base}/?token=0000`);
    const none = await page.request.get(`${base}/api/view?pipeline=ohlc`);
    const script = await page.request.get(`${base}/assets/dashboard.js?token=${'0'.repeat(48)}`);

    // Assess
    expect(wrong?.status()).toBe(403);
    expect(await wrong?.text()).not.toContain('ohlc');
    expect(none.status()).toBe(403);
    expect(script.status()).toBe(403);
  });

  it('shows the numbers that `streamfold query --json` gives for the same window', async () => {
    // Act
    await page.goto(url);
    await page.waitForFunction(REFRESHED);

    // Assess
    for (const pipeline of ['ohlc', 'sensor-stats']) {
      const rows = (await page.evaluate(TABLE_ROWS, pipeline)) as readonly PageRow[];
      expect(rows.length).toBeGreaterThan(0);
      const window = rows[0]?.window as string;
      const query = runCliProcess([
        'query',
        pipeline,
        '--json',
        '--from',
        window,
        '--to',
        window,
        '--endpoint',
        dynamodb,
      ]);
      expect(query.code, query.stderr).toBe(0);
      const expected = (JSON.parse(query.stdout) as QueryJson).results;
      expect(
        rows.map((r) => r.group).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      ).toStrictEqual(
        expected.map((r) => r.group).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      );
      for (const row of rows) {
        const same = expected.find((r) => JSON.stringify(r.group) === JSON.stringify(row.group));
        expect(row.window).toBe(same?.window.start);
        for (const cell of row.cells) {
          expect(cell.value, `${pipeline} ${JSON.stringify(row.group)} ${cell.metric}`).toStrictEqual(
            same?.metrics[cell.metric],
          );
          expect(cell.text).toBe(shown(same?.metrics[cell.metric]));
        }
      }
    }
  });

  it('draws every chart with data: bars, lines, quantile bands, candles and dead letters by reason', async () => {
    // Act
    await page.goto(url);
    await page.waitForFunction(REFRESHED);
    const charts = (await page.evaluate(CHARTS)) as readonly {
      chart: string;
      points: number;
      painted: number;
    }[];
    await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
    for (const pipeline of ['ohlc', 'sensor-stats']) {
      await page
        .locator(`section[data-pipeline="${pipeline}"]`)
        .screenshot({ path: join(SHOTS, `${pipeline}.png`) });
    }

    // Assess
    expect(charts.map((c) => c.chart).sort()).toStrictEqual([
      'ohlc/candles',
      'ohlc/dead-letters',
      'ohlc/series',
      'ohlc/top',
      'sensor-stats/dead-letters',
      'sensor-stats/quantiles',
      'sensor-stats/series',
      'sensor-stats/top',
    ]);
    for (const chart of charts) {
      expect(chart.points, chart.chart).toBeGreaterThan(0);
      expect(chart.painted, chart.chart).toBeGreaterThan(0);
    }
    const ohlc = await view('ohlc');
    expect(ohlc.deadLetters).toStrictEqual({ 'invalid-json': 1, 'missing-field': 1 });
    expect((await view('sensor-stats')).deadLetters).toStrictEqual({ late: 1 });
  });

  it('shows a group value that is HTML as text, in the table and in the tooltips', async () => {
    // Act
    await page.goto(url);
    await page.waitForFunction(REFRESHED);
    const chart = page.locator('section[data-pipeline="ohlc"] [data-chart="series"]');
    const box = await chart.boundingBox();
    for (const x of [0.3, 0.6, 0.9]) {
      await page.mouse.move((box?.x ?? 0) + (box?.width ?? 0) * x, (box?.y ?? 0) + (box?.height ?? 0) / 2);
    }

    // Assess
    expect(await page.locator('#xss').count()).toBe(0);
    expect(await page.title()).toBe('streamfold dashboard');
    await expect
      .poll(() => page.locator('section[data-pipeline="ohlc"] [data-field="symbol"]').allTextContents())
      .toContain(HOSTILE);
  });

  it('draws the last 24 hours as hourly rollups equal to `streamfold query --every 1h --json`', async () => {
    // Prepare
    await page.goto(url);
    await page.waitForFunction(REFRESHED);

    // Act
    await page.locator('section[data-pipeline="ohlc"] select[data-control="range"]').selectOption('24h');
    await page.waitForFunction(OHLC_RANGE_IS, '24h');
    const drawn = (await page.evaluate(SERIES_DRAWN)) as SeriesDrawn;
    const charts = (await page.evaluate(CHARTS)) as readonly {
      chart: string;
      points: number;
      painted: number;
    }[];
    await page.locator('section[data-pipeline="ohlc"]').screenshot({ path: join(SHOTS, 'ohlc-hourly.png') });

    // Assess: 24 hourly buckets, the newest partial; lines and candles drawn
    expect(drawn.starts).toHaveLength(24);
    expect(drawn.starts.every((start) => start.endsWith(':00:00.000Z'))).toBe(true);
    expect(drawn.note).toContain('Hourly rollups');
    expect(drawn.note).toContain('is partial');
    for (const name of ['ohlc/series', 'ohlc/candles']) {
      const chart = charts.find((c) => c.chart === name);
      expect(chart?.points, name).toBeGreaterThan(0);
      expect(chart?.painted, name).toBeGreaterThan(0);
    }
    // The top line's volume per hour is what the query command's rollup gives (one process, ~3 s;
    // test/dashboard/loadDashboardViewRollups.test.ts compares every line, band and candle in process)
    const lines = drawn.lines.filter((line) => (SYMBOLS as readonly string[]).includes(line.name));
    expect(lines.length).toBeGreaterThan(0);
    const to = new Date(Date.parse(drawn.starts[23] as string) + 3_600_000).toISOString();
    for (const line of lines.slice(0, 1)) {
      const query = runCliProcess([
        'query',
        'ohlc',
        '--every',
        '1h',
        '--json',
        '--group',
        `symbol=${line.name}`,
        '--from',
        drawn.starts[0] as string,
        '--to',
        to,
        '--endpoint',
        dynamodb,
      ]);
      expect(query.code, query.stderr).toBe(0);
      const expected = (JSON.parse(query.stdout) as QueryJson).results;
      expect(expected.length, line.name).toBeGreaterThan(0);
      expect(line.values, line.name).toStrictEqual(
        drawn.starts.map((start) => expected.find((r) => r.window.start === start)?.metrics.volume ?? null),
      );
    }
  });

  it('updates when new records arrive, without a reload', async () => {
    // Prepare
    await page.goto(url);
    await page.waitForFunction(REFRESHED);
    const before = await page.locator('section[data-pipeline="ohlc"] [data-counter="in"]').textContent();

    // Act: a new symbol with a huge volume, in the window still receiving records
    const nowMs = Date.now();
    produce(
      'trades',
      'new.ndjson',
      Array.from({ length: 5 }, (_, i) =>
        JSON.stringify({
          symbol: 'ZZNEW',
          price: 42,
          qty: 100_000,
          time: new Date(nowMs - i * 100).toISOString(),
        }),
      ),
    );

    // Assess: the bars of the partial window name it, and the counter moved
    await page.waitForFunction(TOP_BARS_NAME, 'ZZNEW', { timeout: 30_000 });
    const after = await page.locator('section[data-pipeline="ohlc"] [data-counter="in"]').textContent();
    expect(after).not.toBe(before);
    await page
      .locator('section[data-pipeline="ohlc"]')
      .screenshot({ path: join(SHOTS, 'ohlc-after-new-records.png') });
  });
});
