/**
 * Measures a rollup of a day of one-minute windows of one group on the local stack (dynalite, in
 * process): writes 1,440 requests-by-ip items for one IP through the Lambda handler's `BatchProcessor`
 * (five requests a minute, a few distinct paths, so items are the size the example writes), then rolls
 * the day up to one result, `runs` times each:
 * - in the library (`rollup`),
 * - through the CLI in process (`runCli`, output discarded),
 * - as a process (`node bin/streamfold.js query … --every 1d`), start-up included (dynalite stays in
 *   this process).
 * Prints Queries, requests (pages), read units, item bytes (DynamoDB's item size; AWS returns at most 1 MB
 * per Query page, dynalite does not page by size) and the median and range of each time.
 *
 * Run: `npx tsx bench/rollup/dayOfOneGroup.ts [runs]` (default 5).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { runCli } from '../../cli/main.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { requestsByIp } from '../../shared/examples/requestsByIp.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { rollup } from '../../shared/query/rollup.ts';
import { itemSizeBytes } from '../../shared/storage/itemSize.ts';
import { kinesisEvent, sequenceNumber } from '../../test/helpers/kinesisEvent.ts';
import { createPipelineTables } from '../../test/helpers/localTables.ts';

const DAY = Date.parse('2026-11-20T00:00:00Z');
const IP = '203.0.113.9';
const PER_MINUTE = 5;
const PATHS = ['/', '/index.html', '/api/items', '/api/cart', '/static/app.js', '/favicon.ico', '/about'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BIN = fileURLToPath(new URL('../../bin/streamfold.js', import.meta.url));

const clf = (ms: number): string => {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

const summary = (label: string, ms: readonly number[]): string =>
  `${label}: median ${median(ms).toFixed(0)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)} ms over ${ms.length} runs)`;

const main = async (): Promise<void> => {
  const runs = Number(process.argv[2] ?? 5);
  const service = await startDynalite();
  const client = dynamoDbClient(service.endpoint);
  try {
    const tables = await createPipelineTables(client, requestsByIp);
    // One batch per hour, each record arriving a second after it happened (never late); processed at the
    // end of the day plus an hour, so every window is final.
    const nowMs = DAY + 25 * 3_600_000;
    const processor = new BatchProcessor({
      definition: requestsByIp,
      client,
      resultsTable: tables.resultsTable,
      deadLetterTable: tables.deadLetterTable,
      now: () => nowMs,
    });
    let n = 0;
    for (let hour = 0; hour < 24; hour++) {
      const records = [];
      for (let minute = 0; minute < 60; minute++) {
        for (let i = 0; i < PER_MINUTE; i++) {
          const ms = DAY + (hour * 60 + minute) * 60_000 + i * 11_000;
          const path = PATHS[(minute + i * 3) % PATHS.length] as string;
          const status = (minute + i) % 41 === 0 ? 503 : 200;
          const line = `${IP} - - [${clf(ms)}] "GET ${path} HTTP/1.1" ${status} ${500 + ((minute * 37 + i * 101) % 4000)} "-" "Mozilla/5.0" 0.0${10 + ((minute + i) % 80)}`;
          n += 1;
          records.push({ data: line, sequenceNumber: sequenceNumber(n), arrivalMs: ms + 1_000 });
        }
      }
      const report = await processor.process(kinesisEvent(records), {
        getRemainingTimeInMillis: () => 600_000,
      });
      if (report.failedSequence !== undefined) throw new Error(`batch of hour ${hour} failed`);
    }
    const scan = await client.send(
      new ScanCommand({ TableName: tables.resultsTable, ReturnConsumedCapacity: 'TOTAL' }),
    );
    const items = (scan.Items ?? []).filter((item) => item.pk?.S?.startsWith(`${requestsByIp.name}#`));
    const bytes = items.reduce((sum, item) => sum + itemSizeBytes(item), 0);

    const options = {
      client,
      tableName: tables.resultsTable,
      definition: requestsByIp,
      fromMs: DAY,
      toMs: DAY + 86_400_000,
      every: 86_400_000,
      groups: [{ ip: IP }],
      nowMs,
    } as const;
    const first = await rollup(options);
    const library: number[] = [];
    for (let i = 0; i < runs; i++) library.push(await timed(() => rollup(options)));
    const args = [
      'query',
      'requests-by-ip',
      '--every',
      '1d',
      '--group',
      `ip=${IP}`,
      '--from',
      new Date(DAY).toISOString(),
      '--to',
      new Date(DAY + 86_400_000).toISOString(),
      '--table',
      tables.resultsTable,
      '--endpoint',
      service.endpoint,
      '--json',
    ];
    const write = process.stdout.write.bind(process.stdout);
    const inProcess: number[] = [];
    for (let i = 0; i < runs; i++) {
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try {
        inProcess.push(
          await timed(async () => {
            const code = await runCli(['node', 'streamfold', ...args]);
            if (code !== 0) throw new Error(`streamfold exited ${code}`);
          }),
        );
      } finally {
        process.stdout.write = write;
      }
    }
    const asProcess: number[] = [];
    for (let i = 0; i < runs; i++) {
      asProcess.push(
        // Asynchronously: dynalite runs in this process and must keep answering.
        await timed(() => promisify(execFile)(process.execPath, [BIN, ...args])),
      );
    }
    const result = first.results[0];
    console.log(
      [
        `items: ${items.length} one-minute windows of ip ${IP}, ${(bytes / 1024).toFixed(0)} KB as DynamoDB sizes them (~${(bytes / items.length / 1024).toFixed(2)} KB each)`,
        `rollup: ${first.queries} Query, ${first.requests} request(s) (pages), ${first.readUnits} read units, ${first.windowsMerged} windows merged, ${result?.records} records, requests=${String(result?.metrics.requests)}`,
        summary('library (rollup)', library),
        summary('CLI in process (runCli)', inProcess),
        summary('CLI as a process (node bin/streamfold.js)', asProcess),
      ].join('\n'),
    );
  } finally {
    client.destroy();
    await service.stop();
  }
};

await main();
