import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ProduceSummary, registerProduce, runProduce } from '../../cli/commands/produce.ts';
import { UsageError } from '../../cli/errors.ts';
import { type KinesisLocalService, kinesisClient, startKinesisLocal } from '../../local/services/index.ts';
import { ohlc } from '../../shared/examples/ohlc.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { RecordsNotPutError } from '../../shared/producer/index.ts';

interface StoredRecord {
  readonly data: Buffer;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly arrivalMs: number;
}

let kinesis: KinesisLocalService;
let client: KinesisClient;
let dir: string;

/** Every record of a stream, shard by shard, from the trim horizon. */
const readStream = async (stream: string): Promise<StoredRecord[]> => {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream }));
  const records: StoredRecord[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        records.push({
          data: Buffer.from(record.Data ?? new Uint8Array()),
          partitionKey: record.PartitionKey ?? '',
          sequenceNumber: record.SequenceNumber ?? '',
          arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
        });
      }
      if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
};

interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly error: unknown;
}

/**
 * Runs `streamfold produce …` through a fresh commander program with `registerProduce`, capturing what it
 * writes. `whileRunning` gets a function returning the stderr written so far.
 */
const produce = async (
  args: readonly string[],
  whileRunning?: (stderr: () => string) => Promise<void>,
): Promise<CliRun> => {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (sink: string[]) =>
    ((chunk: string | Uint8Array): boolean => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err));
  const program = new Command('streamfold').exitOverride();
  registerProduce(program);
  for (const command of program.commands) command.exitOverride();
  let error: unknown;
  try {
    const running = program.parseAsync(['node', 'streamfold', 'produce', ...args]);
    if (whileRunning !== undefined) await whileRunning(() => err.join(''));
    await running;
  } catch (caught) {
    error = caught;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return { stdout: out.join(''), stderr: err.join(''), error };
};

const summaryOf = (run: CliRun): ProduceSummary => JSON.parse(run.stdout) as ProduceSummary;

const sorted = (values: readonly string[]): string[] => [...values].sort();

beforeAll(async () => {
  kinesis = await startKinesisLocal();
  client = kinesisClient(kinesis.endpoint);
  for (const [StreamName, ShardCount] of [
    ['sensors', 2],
    ['trades', 2],
    ['access-logs', 1],
    ['interrupted', 1],
    ['huge-lines', 1],
  ] as const) {
    await client.send(new CreateStreamCommand({ StreamName, ShardCount }));
  }
  dir = await mkdtemp(join(tmpdir(), 'streamfold-produce-'));
});

afterAll(async () => {
  client?.destroy();
  await kinesis?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Command: streamfold produce (against kinesis-local)', () => {
  it('puts every line of a file, keyed by a JSON field, and the stream holds exactly those lines', async () => {
    // Prepare
    const lines = Array.from(
      { length: 300 },
      (_, i) =>
        `{"device":"device-${i % 4}","temperature":${20 + (i % 7)},"humidity":50,"time":"2026-11-21T08:30:00Z","n":${i}}`,
    );
    const path = join(dir, 'sensors.ndjson');
    await writeFile(path, `${lines.slice(0, 150).join('\r\n')}\r\n\n${lines.slice(150).join('\n')}`);

    // Act
    const run = await produce([
      'sensors',
      '--input',
      path,
      '--partition-key',
      'device',
      '--endpoint',
      kinesis.endpoint,
      '--json',
    ]);

    // Assess
    expect(run.error).toBeUndefined();
    expect(summaryOf(run)).toMatchObject({
      stream: 'sensors',
      source: `file:${path}`,
      sent: 300,
      failed: 0,
      kinesisRecords: 300,
      interrupted: false,
      failures: [],
    });
    const stored = await readStream('sensors');
    expect(sorted(stored.map((r) => r.data.toString('utf8')))).toStrictEqual(sorted(lines));
    for (const record of stored) {
      expect(record.partitionKey).toBe(
        (JSON.parse(record.data.toString('utf8')) as { device: string }).device,
      );
    }
  });

  it("generates KPL-aggregated trades into the pipeline's own stream, which the ohlc pipeline folds", async () => {
    // Act
    const run = await produce([
      '-',
      '--generate',
      'ohlc',
      '--count',
      '400',
      '--rate',
      '0',
      '--seed',
      '5',
      '--malformed',
      '0.05',
      '--kpl',
      '--endpoint',
      kinesis.endpoint,
      '--json',
    ]);

    // Assess
    expect(run.error).toBeUndefined();
    const summary = summaryOf(run);
    expect(summary).toMatchObject({ stream: 'trades', source: 'generate:ohlc', sent: 400, failed: 0 });
    expect(summary.generated).toMatchObject({ pipeline: 'ohlc', seed: 5, records: 400 });
    const stored = await readStream('trades');
    expect(stored).toHaveLength(summary.kinesisRecords);
    expect(stored.length).toBeLessThan(400);
    const batch = new BatchFolder(ohlc).fold(
      stored.map((r) => ({
        data: r.data,
        sequenceNumber: r.sequenceNumber,
        partitionKey: r.partitionKey,
        arrivalMs: Date.now(),
      })),
    );
    const malformed = summary.generated?.malformed ?? -1;
    expect(malformed).toBeGreaterThan(0);
    expect(batch.stats).toMatchObject({ in: 400, folded: 400 - malformed, rejected: malformed, late: 0 });
  });

  it('puts the lines TCP clients send to --listen', async () => {
    // Act
    const run = await produce(
      ['access-logs', '--listen', '127.0.0.1:0', '--count', '3', '--endpoint', kinesis.endpoint, '--json'],
      async (stderr) => {
        let port: number | undefined;
        while (port === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(stderr());
          if (match !== null) port = Number(match[1]);
        }
        const socket = connect(port, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write('198.51.100.23 - frank [21/Nov/2026:08:30:20 +0000] "GET /index.html HTTP/1.1" 200 10');
        await new Promise((resolve) => setTimeout(resolve, 20));
        socket.write('43\r\n2001:db8::1 - - [21/Nov/2026:09:30:59 +0100] "GET /health HTTP/2.0" 200 -\n');
        socket.end('garbage line\n');
      },
    );

    // Assess
    expect(run.error).toBeUndefined();
    expect(summaryOf(run)).toMatchObject({
      source: expect.stringMatching(/^listen:127\.0\.0\.1:[1-9]\d*$/),
      sent: 3,
      failed: 0,
    });
    const stored = await readStream('access-logs');
    expect(sorted(stored.map((r) => r.data.toString('utf8')))).toStrictEqual(
      sorted([
        '198.51.100.23 - frank [21/Nov/2026:08:30:20 +0000] "GET /index.html HTTP/1.1" 200 1043',
        '2001:db8::1 - - [21/Nov/2026:09:30:59 +0100] "GET /health HTTP/2.0" 200 -',
        'garbage line',
      ]),
    );
  });

  it('flushes what is buffered and returns the summary when interrupted', async () => {
    // Prepare
    const controller = new AbortController();
    let stderr = '';
    const running = runProduce(
      'interrupted',
      { generate: 'sensor-stats', rate: 500, endpoint: kinesis.endpoint },
      {
        stderr: {
          write: (chunk: string) => {
            stderr += chunk;
            return true;
          },
        } as unknown as NodeJS.WriteStream,
        signal: controller.signal,
      },
    );

    // Act
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    const summary = await running;

    // Assess
    expect(summary.interrupted).toBe(true);
    expect(summary.failed).toBe(0);
    expect(summary.sent).toBe(summary.generated?.records);
    expect(await readStream('interrupted')).toHaveLength(summary.sent);
    expect(stderr).toBe('');
  });

  it('puts the other lines and reports a line over 1 MiB as not put, naming its size', async () => {
    // Prepare
    const path = join(dir, 'with-huge-line.log');
    await writeFile(path, `small one\n${'x'.repeat(2_000_000)}\nsmall two\n`);

    // Act
    const run = await produce(['huge-lines', '--input', path, '--endpoint', kinesis.endpoint, '--json']);

    // Assess
    expect(run.error).toBeInstanceOf(RecordsNotPutError);
    expect(summaryOf(run)).toMatchObject({
      sent: 2,
      failed: 1,
      failures: [
        { errorCode: 'RecordTooLarge', count: 1, message: expect.stringContaining('2000000 bytes') },
      ],
    });
  });

  it('exits 1 (an error) naming the cause when records cannot be put', async () => {
    // Act
    const run = await produce([
      'no-such-stream',
      '--input',
      'samples/trades.ndjson',
      '--endpoint',
      kinesis.endpoint,
    ]);

    // Assess
    expect(run.error).toBeInstanceOf(RecordsNotPutError);
    expect((run.error as Error).message).toMatch(
      /8 record\(s\) were not put into stream no-such-stream \(ResourceNotFoundException ×8\)/,
    );
    expect(run.stdout).toContain('Put 0 record(s) into no-such-stream');
    expect(run.stdout).toContain('ResourceNotFoundException ×8');
  });
});

describe('Command: streamfold produce (usage errors)', () => {
  it.each([
    [['trades'], /Give exactly one source/],
    [['trades', '--input', 'samples/trades.ndjson', '--generate', 'ohlc'], /Give exactly one source/],
    [['-', '--input', 'samples/trades.ndjson'], /"-" \(the pipeline's own stream\) needs --generate/],
    [
      ['trades', '--generate', 'my-pipeline'],
      /Unknown pipeline \(--generate\) "my-pipeline": .*lists requests-by-ip, category-averages, ohlc, sensor-stats/,
    ],
    [['trades', '--input', 'no/such/file.ndjson'], /Input file not found: no\/such\/file.ndjson/],
    [
      ['trades', '--input', 'samples/trades.ndjson', '--seed', '3'],
      /--seed and --malformed apply only with --generate/,
    ],
    [['trades', '--listen', 'localhost:99999'], /--listen must be host:port/],
    [['bad name!', '--input', 'samples/trades.ndjson'], /Invalid stream name "bad name!"/],
  ])('refuses %j with a UsageError', async (args, message) => {
    // Act
    const run = await produce(args);

    // Assess
    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toMatch(message);
  });

  it.each([
    ['--rate', 'fast'],
    ['--count', '0'],
    ['--malformed', '2'],
  ])('refuses %s %s before running', async (option, value) => {
    // Act
    const run = await produce(['trades', '--generate', 'ohlc', option, value]);

    // Assess
    expect(run.error).toBeInstanceOf(CommanderError);
    expect((run.error as CommanderError).code).toBe('commander.invalidArgument');
    expect(run.stderr).toContain(`option '${option} <`);
  });
});
