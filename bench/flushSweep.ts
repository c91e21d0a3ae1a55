/**
 * `npm run bench:flush-sweep`: what `flushEvery` costs and saves. Replays the same traffic as figure 7
 * (virtual clock, the real handler against dynalite) with every example set to each `flushEvery`, and
 * prints, per example and interval, coalesced write units ÷ the lower bound, cost ÷ Managed Flink and how
 * stale results may be. Writes bench/results/<date>-flush-sweep.json.
 *
 * Options: `--flush 15s,30s,60s,120s,300s` (intervals), `--minutes 20` (simulated minutes per scenario,
 * at least two of the longest interval), `--rate 1000` (records/s per shard), `--shards 1`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { quietNodeVersionWarning } from '../shared/runtime/quietNodeVersionWarning.ts';
import { parseDuration } from '../shared/time/duration.ts';
import { measureCost } from './cost/costFigure.ts';
import { type FlushSweepRow, flushSweepRows } from './cost/flushSweepRows.ts';
import { DynaliteProcess } from './dynamo/DynaliteProcess.ts';
import { describeMachine } from './harness/machine.ts';
import { formatTable } from './report/formatTable.ts';

quietNodeVersionWarning();
const { dynamoDbClient } = await import('../local/services/clients.ts');

const EXAMPLES = ['requests-by-ip', 'category-averages', 'ohlc', 'sensor-stats'];

const { values } = parseArgs({
  options: {
    flush: { type: 'string', default: '15s,30s,60s,120s,300s' },
    minutes: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    shards: { type: 'string', default: '1' },
  },
});
const fail = (message: string): never => {
  process.stderr.write(`bench:flush-sweep: ${message}\n`);
  process.exit(2);
};
const flushes = (values.flush ?? '').split(',').map((text) => {
  const ms = parseDuration(text.trim());
  if (!(ms >= 1_000 && ms <= 900_000 && ms % 1_000 === 0))
    fail(`--flush values must be whole seconds from 1s to 900s (given "${text}")`);
  return ms;
});
const whole = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive whole number (given "${text}")`);
  return n;
};
const minutes = whole('minutes', values.minutes);
const rate = whole('rate', values.rate);
const shards = whole('shards', values.shards);
if (minutes * 60_000 < 2 * Math.max(...flushes))
  fail(`--minutes ${minutes} is shorter than two of the longest interval (${Math.max(...flushes) / 1000} s)`);

const started = Date.now();
const dynalite = await DynaliteProcess.start();
const rows: FlushSweepRow[] = [];
try {
  for (const flushEveryMs of flushes) {
    // A client per run: measureCost adds its request counter to the client's middleware.
    const client = dynamoDbClient(dynalite.endpoint);
    process.stderr.write(
      `[flush-sweep ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] flushEvery ${flushEveryMs / 1000} s\n`,
    );
    const figure = await measureCost(
      client,
      {
        pipelines: EXAMPLES,
        rates: [rate],
        shardCounts: [shards],
        partitionings: ['keyed'],
        minutes,
        // The whole run is measured against dynalite (nothing extrapolated), so every interval is real.
        measurement: { perBatchItemWrites: 200, coalescedRecords: rate * shards * 60 * minutes },
        flushEveryMs,
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    client.destroy();
    rows.push(...flushSweepRows(figure));
  }
} finally {
  await dynalite.stop();
}

const table = formatTable({
  title: `flushEvery sweep: ${rate} records/s per shard, ${shards} shard(s), keyed, ${minutes} simulated minutes`,
  headers: [
    'example',
    'flushEvery',
    'results at most',
    'items',
    'writes per item',
    'write units ÷ lower bound',
    'cost ÷ Flink',
    '$/month',
    'Flink $/month',
  ],
  rows: rows.map((r) => [
    r.pipeline,
    `${r.flushEverySeconds} s`,
    `${r.stalestResultSeconds} s old`,
    String(r.items),
    r.writesPerItem.toFixed(2),
    r.writeUnitsVsWindowLowerBound.toFixed(2),
    r.costVsFlink.toFixed(2),
    String(r.perMonth),
    String(r.flinkPerMonth),
  ]),
});
process.stdout.write(`${table}\n`);
const date = new Date(started).toISOString().slice(0, 10);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${date}-flush-sweep.json`;
writeFileSync(
  file,
  `${JSON.stringify({ startedAt: new Date(started).toISOString(), machine: describeMachine(), settings: { flushEverySeconds: flushes.map((f) => f / 1000), minutes, rate, shards }, rows, wallSeconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
);
process.stderr.write(`wrote ${file}\n`);
