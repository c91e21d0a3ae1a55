import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { EVENT_SOURCE_MAPPING_DEFAULTS } from '../../local/esm/defaults.ts';
import { DEMO_LINGER_MS, DemoTraffic } from '../../local/runtime/DemoTraffic.ts';
import { LocalRuntime } from '../../local/runtime/LocalRuntime.ts';
import { MappingWarnings } from '../../local/runtime/MappingWarnings.ts';
import { catalogGenerators } from '../../shared/config/catalogGenerators.ts';
import type { PipelineCatalog } from '../../shared/config/types.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { latestWindow } from '../../shared/query/latestWindow.ts';
import { queryWindows } from '../../shared/query/queryWindows.ts';
import { topGroups } from '../../shared/query/topGroups.ts';
import type { QueryResult } from '../../shared/query/types.ts';
import { parseDuration } from '../../shared/time/duration.ts';
import { TimeFormatError } from '../../shared/time/errors.ts';
import { parseEndpointOption } from '../awsOptions.ts';
import type { DashboardServer } from '../dashboard/DashboardServer.ts';
import { startDashboard } from '../dashboard/startDashboard.ts';
import { EXIT, UsageError } from '../errors.ts';
import { loadPipelineCatalog, unknownPipeline } from '../loadPipeline.ts';
import { devHints } from '../render/devHints.ts';
import { renderDevScreen } from '../tui/renderDevScreen.ts';
import { shardTotals } from '../tui/shardTotals.ts';
import { type ScreenKey, TerminalScreen } from '../tui/TerminalScreen.ts';
import type { DashboardSnapshot, ResultPanel } from '../tui/types.ts';

/** Options of `streamfold dev`. */
export interface DevOptions {
  readonly demo?: boolean;
  readonly pipelines?: string;
  readonly dynamodb?: string;
  readonly kinesisEndpoint?: string;
  readonly dynamodbEndpoint?: string;
  readonly kinesisPort?: string;
  readonly dynamodbPort?: string;
  readonly shards?: string;
  readonly rate?: string;
  readonly count?: string;
  readonly duration?: string;
  readonly refresh?: string;
  readonly dashboard?: boolean;
  readonly flushEvery?: string;
  readonly web?: boolean;
  readonly webPort?: string;
}

/**
 * `streamfold dev` writes each pipeline's buffered results this often unless `--flush-every` says
 * otherwise: a newcomer sees results within seconds, where the deployed default (60 s) would keep the
 * dashboard empty for a minute. Still buffered mode, so the local run exercises what is deployed.
 */
export const DEV_FLUSH_EVERY = '5s';

/**
 * What the plain progress lines count. The handler's counters move only when a batch returns, and the
 * first batch of a shard waits for its batching window and the handler's cold start: `read` and `waiting`
 * show the records meanwhile.
 *
 * @example
 * countersLegend(5000); // 'progress: in/folded/rejected/late = records the handler has processed …'
 */
export const countersLegend = (flushEveryMs: number): string =>
  `progress: in/folded/rejected/late = records the handler has processed (every delivery); read = Kinesis records the event source mapping took from the stream (a KPL aggregate is one: the demo's hold about a second of records each), waiting = of them not yet processed (a batch waits up to ${EVENT_SOURCE_MAPPING_DEFAULTS.maxBatchingWindowMs / 1000} s, the first also for the handler's cold start); results reach the table ${flushEveryMs === 0 ? 'with each batch' : `at each flush, every ${flushEveryMs / 1000} s per shard`}`;

const integer = (value: string | undefined, name: string, min: number, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`${name} must be an integer of at least ${min} (given "${value}")`);
  }
  return Number(value);
};

const duration = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (error) {
    if (error instanceof TimeFormatError) throw new UsageError(`${name}: ${error.message}`);
    throw error;
  }
};

const selectPipelines = (
  names: string | undefined,
  catalog: PipelineCatalog,
): readonly PipelineDefinition[] => {
  const allPipelines = catalog.pipelines;
  if (names === undefined) return allPipelines;
  const wanted = names
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (wanted.length === 0) {
    throw new UsageError(
      `--pipelines names no pipeline (given "${names}"): give comma-separated names, e.g. --pipelines ohlc,sensor-stats, or leave it out for all`,
    );
  }
  return wanted.map((name) => {
    const found = allPipelines.find((p) => p.name === name);
    if (found === undefined) throw unknownPipeline(name, catalog, 'pipeline (--pipelines)');
    return found;
  });
};

/** How a panel says its window is partial (not ended, still receiving records); panels prefer complete ones. */
const partialNote = (partial: boolean): string => (partial ? ' — PARTIAL: window still open' : '');

/** The newest `updatedAt` among some results (ISO), or undefined. */
const newestUpdate = (results: readonly QueryResult[]): string | undefined =>
  results.reduce<string | undefined>(
    (max, r) => (r.updatedAt !== '' && (max === undefined || r.updatedAt > max) ? r.updatedAt : max),
    undefined,
  );

/**
 * One results panel per running pipeline for the terminal view (top client IPs as bars for
 * requests-by-ip, the latest window as a table for the others), and per pipeline when its newest shown
 * result was last written.
 */
const resultPanels = async (
  client: DynamoDBClient,
  runtime: LocalRuntime,
  updated: Map<string, string>,
): Promise<ResultPanel[]> => {
  const panels: ResultPanel[] = [];
  for (const pipeline of runtime.pipelines) {
    const { definition, names } = pipeline;
    const target = { client, tableName: names.resultsTable, definition };
    if (definition.name === 'requests-by-ip') {
      const top = await topGroups({ ...target, metric: 'requests', limit: 8, searchWindows: 5 });
      const newest = newestUpdate(top.results);
      if (newest !== undefined) updated.set(definition.name, newest);
      panels.push({
        pipeline: definition.name,
        title: `Top client IPs by requests, minute ${top.window.start.slice(11, 16)} UTC${partialNote(top.partial)}`,
        kind: 'bars',
        metric: 'requests',
        metricNames: definition.metricNames,
        groupBy: definition.groupBy,
        results: top.results,
      });
      continue;
    }
    const window = await latestWindow({ ...target, searchWindows: 5 });
    if (window === undefined) {
      panels.push({
        pipeline: definition.name,
        title: `${definition.name}: waiting for results`,
        kind: 'table',
        metricNames: [],
        groupBy: [],
        results: [],
      });
      continue;
    }
    const { results } = await queryWindows({ ...target, fromMs: window.startMs, toMs: window.startMs });
    const newest = newestUpdate(results);
    if (newest !== undefined) updated.set(definition.name, newest);
    const metricNames = definition.metricNames.filter((m) => !['topPaths', 'paths'].includes(m));
    panels.push({
      pipeline: definition.name,
      title: `Latest window ${new Date(window.startMs).toISOString().slice(11, 16)} UTC: ${definition.description}${partialNote(window.partial)}`,
      kind: 'table',
      metricNames,
      groupBy: definition.groupBy,
      results: results.slice(0, 8),
    });
  }
  return panels;
};

/**
 * Runs `streamfold dev`: the local stack (services, resources, event source mappings, finalizer), with the
 * demo producer and live dashboard when `--demo`. Resolves when stopped (Ctrl-C, `--duration`, or when
 * `--count` records per pipeline are produced and processed).
 *
 * @example
 * await runDev({ demo: true, count: '1000', dashboard: false });
 */
export const runDev = async (options: DevOptions): Promise<void> => {
  const catalog = await loadPipelineCatalog();
  const pipelines = selectPipelines(options.pipelines, catalog);
  const dynamodbKind = options.dynamodb ?? 'dynalite';
  if (dynamodbKind !== 'dynalite' && dynamodbKind !== 'local') {
    throw new UsageError(`--dynamodb must be "dynalite" or "local" (given "${dynamodbKind}")`);
  }
  const rate = integer(options.rate, '--rate', 1, 25);
  const count = options.count === undefined ? undefined : integer(options.count, '--count', 1, 0);
  const durationMs = duration(options.duration, '--duration');
  const refreshMs = duration(options.refresh, '--refresh') ?? 2000;
  if (refreshMs < 500) throw new UsageError(`--refresh must be at least 500ms (given "${options.refresh}")`);
  const flushEveryMs = duration(options.flushEvery ?? DEV_FLUSH_EVERY, '--flush-every') as number;
  if (flushEveryMs % 1000 !== 0 || flushEveryMs > 900_000) {
    throw new UsageError(
      `--flush-every must be a whole number of seconds between 0s and 900s (given "${options.flushEvery}")`,
    );
  }
  const port = (value: string | undefined, name: string): number => {
    const number = integer(value, name, 0, 0);
    if (number > 65_535) throw new UsageError(`${name} must be a port number up to 65535 (given "${value}")`);
    return number;
  };
  const webPort = port(options.webPort, '--web-port');
  const kinesisPort = port(options.kinesisPort, '--kinesis-port');
  const dynamodbPort = port(options.dynamodbPort, '--dynamodb-port');
  const tty = process.stdout.isTTY === true && options.dashboard !== false;
  /** While the full-screen view is up, messages go to its status line instead of over the frame. */
  const messages: string[] = [];
  let screen: TerminalScreen | undefined;
  const log = (message: string): void => {
    if (screen !== undefined) {
      messages.push(message);
      if (messages.length > 20) messages.shift();
      return;
    }
    process.stderr.write(`streamfold dev: ${message}\n`);
  };

  let demo: DemoTraffic | undefined;
  // Errors and slow answers of the local Kinesis, said (throttled) rather than silently retried: in the
  // plain output as warning lines, in the terminal view among its recent lines.
  const warnings = new MappingWarnings({ recordsPut: (pipeline) => demo?.counts.get(pipeline)?.produced });
  const runtime = await LocalRuntime.start({
    pipelines,
    dynamodb: dynamodbKind,
    ...(options.kinesisEndpoint !== undefined ? { kinesisEndpoint: options.kinesisEndpoint } : {}),
    ...(options.dynamodbEndpoint !== undefined ? { dynamodbEndpoint: options.dynamodbEndpoint } : {}),
    kinesisPort,
    dynamodbPort,
    shardCount: integer(options.shards, '--shards', 1, 2),
    flushEveryMs,
    configFile: catalog.configFile,
    onProgress: log,
    onMappingEvent: (pipeline, event) => {
      const warning = warnings.warningFor(pipeline, event);
      if (warning !== undefined) log(`warning: ${warning}`);
    },
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      screen?.close();
      screen = undefined;
      log('stopping: finishing in-flight batches…');
      await demo?.stop();
      await web?.close();
      await runtime.stop();
    })();
    return stopping;
  };
  let interrupted: () => void = () => undefined;
  const interruption = new Promise<void>((resolve) => {
    interrupted = resolve;
  });
  const onSignal = (): void => {
    if (stopping !== undefined) {
      log('second interrupt: exiting now');
      process.exit(EXIT.interrupted);
    }
    interrupted();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log(`ready. Kinesis ${runtime.endpoints.kinesis}  DynamoDB ${runtime.endpoints.dynamodb}`);
  log(
    flushEveryMs === 0
      ? 'writes: every batch (--flush-every 0)'
      : `writes: buffered, each (group, window) written every ${flushEveryMs / 1000} s per shard (--flush-every; deployed: each pipeline's flushEvery, 60 s by default)`,
  );
  for (const p of runtime.pipelines)
    log(`  ${p.definition.name}: stream ${p.names.stream} → table ${p.names.resultsTable}`);
  if (!tty) log(countersLegend(flushEveryMs));
  const hintPipelines = runtime.pipelines.map((p) => ({
    definition: p.definition,
    stream: p.names.stream,
    resultsTable: p.names.resultsTable,
  }));
  const hintContext = {
    endpoints: runtime.endpoints,
    samples: catalog.samples,
    ...(catalog.origin === 'option' ? { configFile: catalog.configFile } : {}),
  };
  const hints = devHints({ ...hintContext, pipelines: hintPipelines });
  // The terminal view shows them for the pipeline on screen; plain output says them once.
  if (!tty) for (const hint of hints) log(hint);
  const hintsOf = new Map(
    hintPipelines.map((p) => [
      p.definition.name,
      devHints({
        ...hintContext,
        pipelines: [p, ...hintPipelines.filter((other) => other !== p)],
      }),
    ]),
  );
  let web: DashboardServer | undefined;
  if (options.web !== false) {
    web = await startDashboard({
      client: runtime.dynamodb,
      pipelines: runtime.pipelines.map((p) => p.definition),
      counters: (name) => runtime.counters.of(name),
      countersSpan: 'since streamfold dev started, every delivery',
      port: webPort,
      refreshMs,
    }).catch(async (error: unknown) => {
      await runtime.stop();
      throw error;
    });
    log(`web dashboard (read-only, loopback only): ${web.url}`);
  }
  if (options.demo === true) {
    demo = new DemoTraffic({
      kinesis: runtime.kinesis,
      pipelines,
      generators: catalogGenerators(catalog),
      ratePerSecond: rate,
      ...(count !== undefined ? { count } : {}),
    });
    demo.start();
    log(
      `demo traffic: ${rate} records/s per pipeline${count !== undefined ? `, ${count} each` : ''}, put as KPL aggregates of up to ${DEMO_LINGER_MS / 1000} s (kinesis-local slows with every Kinesis record it holds)`,
    );
  }

  const updated = new Map<string, string>();
  let latest: DashboardSnapshot | undefined;
  const snapshot = async (): Promise<DashboardSnapshot> => {
    const panels = await resultPanels(runtime.dynamodb, runtime, updated).catch(() => latest?.panels ?? []);
    const nowMs = Date.now();
    return {
      endpoints: runtime.endpoints,
      demo: options.demo === true,
      pipelines: runtime.pipelines.map((p) => {
        const last = updated.get(p.definition.name);
        return {
          name: p.definition.name,
          stream: p.names.stream,
          resultsTable: p.names.resultsTable,
          produced: demo?.counts.get(p.definition.name),
          totals: runtime.counters.of(p.definition.name),
          shards: p.mapping.stats(),
          resultsAgeMs: last === undefined ? undefined : Math.max(0, nowMs - Date.parse(last)),
          flushEveryMs,
          hints: hintsOf.get(p.definition.name) ?? hints,
        };
      }),
      panels,
      recentLogs: [...runtime.counters.recentLines(), ...messages.map((m) => `streamfold dev: ${m}`)],
      hints,
      dashboardUrl: web?.url,
    };
  };
  let selected = 0;
  const paint = (): void => {
    if (screen === undefined || latest === undefined) return;
    screen.draw(renderDevScreen(latest, { ...screen.size(), selected }));
  };
  const summaryLine = (): string =>
    runtime.pipelines
      .map((p) => {
        const t = runtime.counters.of(p.definition.name);
        const { read, waiting, failures } = shardTotals(p.mapping.stats());
        return `${p.definition.name} in=${t.recordsIn} folded=${t.folded} rejected=${t.rejected} late=${t.late} read=${read} waiting=${waiting}${failures > 0 ? ` failures=${failures}` : ''}`;
      })
      .join(' | ');
  let logMark = 0;
  const draw = async (): Promise<void> => {
    if (tty) {
      latest = await snapshot();
      paint();
    } else {
      // The handler's warnings and errors (and the finalizer's), which the terminal view shows as "Last log".
      const fresh = runtime.counters.linesSince(logMark);
      logMark = fresh.mark;
      if (fresh.dropped > 0) log(`log: (${fresh.dropped} earlier line(s) not shown)`);
      for (const line of fresh.lines) log(`log: ${line}`);
      process.stdout.write(`${new Date().toISOString()} ${summaryLine()}\n`);
    }
  };
  if (tty) {
    const onKey = (key: ScreenKey): void => {
      const count = runtime.pipelines.length;
      if (key.kind === 'quit' || key.kind === 'interrupt') {
        interrupted();
        return;
      }
      if (key.kind === 'next') selected = (selected + 1) % count;
      else if (key.kind === 'previous') selected = (selected + count - 1) % count;
      else if (key.index < count) selected = key.index;
      paint();
    };
    screen = new TerminalScreen({
      output: process.stdout,
      ...(process.stdin.isTTY === true ? { input: process.stdin } : {}),
      onKey,
      onResize: paint,
    });
    screen.open();
    void draw().catch(() => undefined);
  }
  const timer = setInterval(
    () => {
      if (stopping === undefined) void draw().catch(() => undefined);
    },
    tty ? refreshMs : Math.max(refreshMs, 5000),
  );
  const finished: Promise<void>[] = [interruption];
  if (durationMs !== undefined) finished.push(new Promise((resolve) => setTimeout(resolve, durationMs)));
  if (demo !== undefined && count !== undefined) {
    finished.push(
      demo.finished().then(async () => {
        log('demo traffic sent; waiting for the pipeline to drain…');
        await runtime.drain();
      }),
    );
  }
  try {
    await Promise.race(finished);
    if (!tty) await draw().catch(() => undefined);
  } finally {
    clearInterval(timer);
    await stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // The full-screen view left no trace on the main screen: say how the run ended in both modes.
  for (const p of runtime.pipelines) {
    const t = runtime.counters.of(p.definition.name);
    const produced = demo?.counts.get(p.definition.name);
    process.stdout.write(
      `${p.definition.name}: produced ${produced?.produced ?? '-'} (malformed ${produced?.malformed ?? '-'}), in ${t.recordsIn}, folded ${t.folded}, rejected ${t.rejected}, late ${t.late}\n`,
    );
  }
};

/** Registers `streamfold dev` on the program. */
export const registerDev = (program: Command): void => {
  program
    .command('dev')
    .description(
      'Run the whole pipeline on this machine: local Kinesis and DynamoDB, the deployed handler, a local event source mapping',
    )
    .option('--demo', 'also produce realistic demo traffic and show live results')
    .option(
      '--pipelines <names>',
      'comma-separated pipelines to run (default: all of your config: --config, else streamfold.config.ts, else the examples)',
    )
    .option('--dynamodb <kind>', 'dynalite (in-process, default) or local (AWS DynamoDB Local; needs Java)')
    .option(
      '--kinesis-endpoint <url>',
      'use an already running Kinesis instead of starting kinesis-local',
      parseEndpointOption,
    )
    .option(
      '--dynamodb-endpoint <url>',
      'use an already running DynamoDB instead of starting one',
      parseEndpointOption,
    )
    .option('--kinesis-port <n>', 'port for kinesis-local (default: a free port)')
    .option('--dynamodb-port <n>', 'port for the local DynamoDB (default: a free port)')
    .option('--shards <n>', 'shards per stream (default: 2)')
    .option('--rate <n>', 'demo records per second per pipeline (default: 25)')
    .option('--count <n>', 'demo records per pipeline; then drain, print a summary and exit')
    .option('--duration <duration>', "stop after this long, e.g. '5m'")
    .option('--refresh <duration>', "dashboard refresh interval, at least 500ms (default: '2s')")
    .option('--no-dashboard', 'plain progress lines instead of the full-screen terminal view')
    .option(
      '--flush-every <duration>',
      `write buffered results this often per shard, whole seconds up to 900s; 0 = every batch (default: '${DEV_FLUSH_EVERY}', shorter than the 60 s deployed by default so results show within seconds)`,
    )
    .option('--no-web', 'do not start the web dashboard')
    .option('--web-port <n>', 'port of the web dashboard on 127.0.0.1 (default: a free port)')
    .addHelpText(
      'after',
      '\nExamples:\n  npm start                                  # = streamfold dev --demo\n  streamfold dev                             # local stack for your own producers; prints the endpoints\n  streamfold dev --demo --count 2000 --no-dashboard',
    )
    .action(async (options: DevOptions) => {
      await runDev(options);
    });
};
