import { readFileSync } from 'node:fs';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProduceSummary } from '../../cli/commands/produce.ts';
import { type KinesisLocalService, kinesisClient, startKinesisLocal } from '../../local/services/index.ts';
import { categoryAverages, requestsByIp } from '../../shared/examples/index.ts';
import { RecordRetimer } from '../../shared/producer/retime/index.ts';
import { createStream } from '../esm/streamHelpers.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';

/** `streamfold produce --retime`, through the real executable, against kinesis-local. */

let kinesis: KinesisLocalService;
let client: KinesisClient;

const sample = (name: string): string =>
  readFileSync(new URL(`../../samples/${name}`, import.meta.url), 'utf8');

/** Every record of a one-shard stream, in order. */
const readStream = async (stream: string): Promise<string[]> => {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream }));
  const texts: string[] = [];
  for (const shard of Shards) {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const page = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    for (const record of page.Records ?? [])
      texts.push(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
  }
  return texts;
};

beforeAll(async () => {
  kinesis = await startKinesisLocal();
  client = kinesisClient(kinesis.endpoint);
  for (const stream of ['access-logs', 'csv-rows', 'web']) await createStream(client, stream, 1);
});

afterAll(async () => {
  client?.destroy();
  await kinesis?.stop();
});

describe('Command: streamfold produce --retime', () => {
  it('sends access logs from standard input as if they happened now, gaps kept, and says what it left alone', async () => {
    // Prepare
    const input = sample('access.log');
    const before = Date.now();

    // Act
    const run = runCliProcess(
      ['produce', 'access-logs', '--input', '-', '--retime', '--endpoint', kinesis.endpoint, '--json'],
      input,
    );

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as ProduceSummary;
    expect(summary).toMatchObject({ source: 'stdin', sent: 8, failed: 0 });
    expect(summary.retimed).toMatchObject({
      pipeline: 'requests-by-ip',
      eventTime: 'time (clf)',
      latestEventTime: '2026-11-21T08:31:10.000Z',
      records: 7,
      headers: 0,
      unchanged: [{ reason: 'rejected-by-decoder', count: 1, firstRecord: 7 }],
    });
    const sent = await readStream('access-logs');
    const retimer = new RecordRetimer(requestsByIp);
    const originals = input.trimEnd().split('\n');
    const shifts = sent
      .map((text, i) => [
        retimer.eventTimeOf(Buffer.from(text)),
        retimer.eventTimeOf(Buffer.from(originals[i] ?? '')),
      ])
      .filter(([now, then]) => now !== undefined && then !== undefined)
      .map(([now, then]) => (now as number) - (then as number));
    expect(shifts).toHaveLength(7);
    expect(new Set(shifts).size).toBe(1);
    const latest = Math.max(...sent.map((t) => retimer.eventTimeOf(Buffer.from(t)) ?? 0));
    expect(latest).toBeGreaterThanOrEqual(before - 1_000);
    expect(latest).toBeLessThanOrEqual(Date.now());
    expect(sent[6]).toBe('this is not an access log line');
    expect(sent[4]).toMatch(/^2001:db8::1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0100\]/);
  });

  it('retimes a CSV file, passing its header line through, and prints the summary', () => {
    // Act
    const run = runCliProcess([
      'produce',
      'csv-rows',
      '--input',
      'samples/csv-rows.csv',
      '--retime',
      '--endpoint',
      kinesis.endpoint,
    ]);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Put 8 record(s) into csv-rows');
    expect(run.stdout).toMatch(
      /Retimed 5 record\(s\) for category-averages \(time \(iso\)\) by \+\d+d[\dhms]*: the latest event time, 2026-11-21T08:31:05\.000Z, became now, gaps kept\. Sent unchanged: 2 \(rejected by the pipeline's decoder ×2 \(record 7\)\)\. Header line\(s\) sent as is: 1\./,
    );
    expect(categoryAverages.stream).toBe('csv-rows');
  });

  it('takes a pipeline of a module with --pipeline: epoch seconds', async () => {
    // Act
    const run = runCliProcess(
      [
        'produce',
        'web',
        '--input',
        '-',
        '--retime',
        '--pipeline',
        'test/fixtures/pipelines/custom.ts#bytes-by-host',
        '--endpoint',
        kinesis.endpoint,
        '--json',
      ],
      '{"host":"a","bytes":1,"ts":1795249800}\n{"host":"b","bytes":2,"ts":1795249860}\n',
    );

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as ProduceSummary).retimed).toMatchObject({
      pipeline: 'bytes-by-host',
      records: 2,
    });
    const sent = (await readStream('web')).map((t) => JSON.parse(t) as { ts: number });
    expect(sent[1]?.ts ?? 0).toBe((sent[0]?.ts ?? 0) + 60);
    expect(Math.abs((sent[1]?.ts ?? 0) * 1000 - Date.now())).toBeLessThan(5_000);
  });

  it.each([
    [['trades', '--generate', 'ohlc', '--retime'], '--retime applies only with --input'],
    [
      ['trades', '--input', 'samples/trades.ndjson', '--pipeline', 'ohlc'],
      '--pipeline applies only with --retime',
    ],
    [
      ['nowhere', '--input', 'samples/trades.ndjson', '--retime'],
      'no pipeline of your config reads stream "nowhere"',
    ],
    [
      [
        'web',
        '--input',
        'samples/trades.ndjson',
        '--retime',
        '--pipeline',
        'test/fixtures/pipelines/custom.ts#hits-only',
      ],
      'Pipeline "hits-only" takes its event time from the Kinesis arrival time',
    ],
    [
      ['trades', '--input', 'samples/access.log', '--retime'],
      'no record of samples/access.log has an event time that pipeline "ohlc" reads (field time (iso)); nothing to retime',
    ],
  ])('refuses %j with exit 2 before sending anything', (args, message) => {
    // Act
    const run = runCliProcess(['produce', ...args, '--endpoint', kinesis.endpoint]);

    // Assess
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
  });
});
