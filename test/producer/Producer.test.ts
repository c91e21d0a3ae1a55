import {
  KinesisClient,
  KinesisServiceException,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FailedRecord,
  MAX_BYTES_PER_PUT,
  MAX_RECORD_BYTES,
  Producer,
  type ProducerOptions,
  type ProducerStats,
  RecordTooLargeError,
  StreamUnavailableError,
} from '../../shared/producer/index.ts';

const kinesis = mockClient(KinesisClient);
const client = new KinesisClient({ region: 'eu-west-1' });
const text = new TextDecoder();

/** Every PutRecords input the mock received, in call order. */
let calls: PutRecordsRequestEntry[][];
/** A virtual clock: `sleep` advances it instead of waiting. */
let clock: number;

const ok = (records: readonly PutRecordsRequestEntry[]): PutRecordsCommandOutput => ({
  $metadata: {},
  FailedRecordCount: 0,
  Records: records.map((_, i) => ({ SequenceNumber: String(49_000 + i), ShardId: 'shardId-000000000000' })),
});

/** Answers each record with `errorFor(record)` (an ErrorCode) or success. */
const answer =
  (errorFor: (record: PutRecordsRequestEntry, call: number) => string | undefined) =>
  (input: PutRecordsCommandInput): PutRecordsCommandOutput => {
    const records = input.Records ?? [];
    calls.push(records);
    const results = records.map((record, i) => {
      const code = errorFor(record, calls.length);
      return code === undefined
        ? { SequenceNumber: String(49_000 + i), ShardId: 'shardId-000000000000' }
        : { ErrorCode: code, ErrorMessage: `${code} for shard shardId-000000000000` };
    });
    return {
      $metadata: {},
      FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length,
      Records: results,
    };
  };

const producer = (options: Partial<ProducerOptions> = {}): Producer =>
  new Producer({
    client,
    stream: 'trades',
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    random: () => 0.5,
    ...options,
  });

const dataOf = (record: PutRecordsRequestEntry): string => text.decode(record.Data);

const putAll = async (target: Producer, records: readonly string[]): Promise<void> => {
  for (const data of records) await target.put({ data });
};

const lines = (n: number, prefix = 'r'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

beforeEach(() => {
  kinesis.reset();
  calls = [];
  clock = 1_800_000_000_000;
  kinesis.on(PutRecordsCommand).callsFake(answer(() => undefined));
});

afterEach(() => {
  kinesis.reset();
});

describe('Class: Producer', () => {
  describe('batching', () => {
    it('splits 501 records into a call of 500 and a call of 1', async () => {
      // Prepare
      const target = producer();

      // Act
      await putAll(target, lines(501));
      const { stats } = await target.close();

      // Assess
      expect(calls.map((c) => c.length)).toStrictEqual([500, 1]);
      expect(calls.flat().map(dataOf)).toStrictEqual(lines(501));
      expect(stats).toMatchObject({ accepted: 501, sent: 501, failed: 0, batches: 2, kinesisRecords: 501 });
    });

    it('fills a call up to exactly 5 MiB, partition keys included', async () => {
      // Prepare: six records of exactly 1 MiB each (data + 2-byte key)
      const target = producer();
      const data = new Uint8Array(MAX_RECORD_BYTES - 2);

      // Act
      for (let i = 0; i < 6; i++) await target.put({ data, partitionKey: `k${i}` });
      const { stats } = await target.close();

      // Assess
      expect(calls.map((c) => c.length)).toStrictEqual([5, 1]);
      const callBytes = calls.map((c) =>
        c.reduce((sum, r) => sum + (r.Data?.length ?? 0) + Buffer.byteLength(r.PartitionKey ?? ''), 0),
      );
      expect(callBytes).toStrictEqual([MAX_BYTES_PER_PUT, MAX_RECORD_BYTES]);
      expect(stats.bytes).toBe(6 * MAX_RECORD_BYTES);
    });

    it('starts a new call when the next record would pass 5 MiB', async () => {
      // Prepare: 600 KiB records: 8 fit in 5 MiB, 9 do not
      const target = producer();
      const data = new Uint8Array(600 * 1024);

      // Act
      for (let i = 0; i < 10; i++) await target.put({ data, partitionKey: 'k' });
      await target.close();

      // Assess
      expect(calls.map((c) => c.length)).toStrictEqual([8, 2]);
    });

    it('rejects a record over 1 MiB up front, naming its size, and buffers nothing', async () => {
      // Prepare: 1 MiB of data plus a 2-byte key is 2 bytes too many
      const target = producer();

      // Act
      const put = target.put({ data: new Uint8Array(MAX_RECORD_BYTES), partitionKey: 'k1' });

      // Assess
      await expect(put).rejects.toThrow(RecordTooLargeError);
      await expect(put).rejects.toMatchObject({
        sizeBytes: MAX_RECORD_BYTES + 2,
        limitBytes: MAX_RECORD_BYTES,
        message: expect.stringContaining(`${MAX_RECORD_BYTES + 2} bytes`),
      });
      const { stats } = await target.close();
      expect(stats.accepted).toBe(0);
      expect(calls).toStrictEqual([]);
    });

    it('never has more calls in flight than maxInFlight', async () => {
      // Prepare
      let active = 0;
      let most = 0;
      kinesis.on(PutRecordsCommand).callsFake(async (input: PutRecordsCommandInput) => {
        active += 1;
        most = Math.max(most, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
        return ok(input.Records ?? []);
      });
      const target = producer({ maxInFlight: 2 });

      // Act
      await putAll(target, lines(3000));
      const { stats } = await target.close();

      // Assess
      expect(most).toBe(2);
      expect(stats).toMatchObject({ sent: 3000, batches: 6, inFlight: 0, pending: 0 });
    });

    it('sends a partial batch once the oldest record has lingered', async () => {
      // Prepare
      const target = producer({ lingerMs: 5 });

      // Act
      await putAll(target, lines(3));
      await new Promise((resolve) => setTimeout(resolve, 50));

      // Assess
      expect(calls.map((c) => c.length)).toStrictEqual([3]);
      await target.close();
    });
  });

  describe('retries', () => {
    it('retries only the records a call reports as failed, until they succeed', async () => {
      // Prepare: every third record is throttled on the first call
      kinesis
        .on(PutRecordsCommand)
        .callsFake(
          answer((record, call) =>
            call === 1 && Number(dataOf(record).slice(1)) % 3 === 0
              ? 'ProvisionedThroughputExceededException'
              : undefined,
          ),
        );
      const target = producer();
      const records = lines(30);

      // Act
      await putAll(target, records);
      const result = await target.close();

      // Assess
      const throttled = records.filter((_, i) => i % 3 === 0);
      expect(calls.map((c) => c.length)).toStrictEqual([30, 10]);
      expect(calls[1]?.map(dataOf)).toStrictEqual(throttled);
      expect(result.stats).toMatchObject({ sent: 30, failed: 0, retried: 10, batches: 2 });
      expect(result.failures).toStrictEqual([]);
    });

    it('reports a record that keeps failing once its retry deadline has passed', async () => {
      // Prepare
      kinesis
        .on(PutRecordsCommand)
        .callsFake(answer((record) => (dataOf(record) === 'poison' ? 'InternalFailure' : undefined)));
      const failed: FailedRecord[] = [];
      const target = producer({ retryDeadlineMs: 10_000, onFailure: (f) => failed.push(f) });
      const startMs = clock;

      // Act
      await putAll(target, ['a', 'poison', 'b']);
      const result = await target.close();

      // Assess
      expect(result.stats).toMatchObject({ sent: 2, failed: 1, pending: 0 });
      expect(result.failures).toStrictEqual([
        {
          errorCode: 'InternalFailure',
          count: 1,
          message: expect.stringContaining('InternalFailure for shard'),
        },
      ]);
      expect(failed).toHaveLength(1);
      const [failure] = failed;
      expect(text.decode(failure?.data)).toBe('poison');
      expect(failure?.errorCode).toBe('InternalFailure');
      expect(failure?.attempts).toBeGreaterThan(2);
      expect(result.stats.retried).toBe((failure?.attempts ?? 0) - 1);
      // it was given up on because the next backoff would end past the deadline (virtual time)
      expect(clock - startMs).toBeLessThanOrEqual(10_000);
      expect(
        calls.slice(1).every((c) => c.length === 1 && dataOf(c[0] as PutRecordsRequestEntry) === 'poison'),
      ).toBe(true);
    });

    it('does not retry a per-record error no retry can fix', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).callsFake(answer(() => 'KMSAccessDeniedException'));
      const target = producer();

      // Act
      await putAll(target, ['a']);
      const result = await target.close();

      // Assess
      expect(calls).toHaveLength(1);
      expect(result.stats).toMatchObject({ sent: 0, failed: 1, retried: 0 });
      expect(result.failures[0]?.errorCode).toBe('KMSAccessDeniedException');
    });

    it.each([
      [
        'throttling',
        () =>
          new ProvisionedThroughputExceededException({
            message: 'Rate exceeded for stream trades',
            $metadata: { httpStatusCode: 400 },
          }),
      ],
      [
        'an HTTP 500',
        () =>
          new KinesisServiceException({
            name: 'InternalFailure',
            $fault: 'server',
            message: 'We encountered an internal error',
            $metadata: { httpStatusCode: 500 },
          }),
      ],
    ])('retries a whole call that fails with %s', async (_label, error) => {
      // Prepare
      kinesis
        .on(PutRecordsCommand)
        .rejectsOnce(error())
        .callsFake(answer(() => undefined));
      const target = producer();

      // Act
      await putAll(target, lines(20));
      const result = await target.close();

      // Assess
      expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(2);
      expect(calls.flat().map(dataOf)).toStrictEqual(lines(20));
      expect(result.stats).toMatchObject({ sent: 20, failed: 0, retried: 20, batches: 2 });
    });

    it('fails everything and refuses more records when the stream cannot be written', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).rejects(
        new ResourceNotFoundException({
          message: 'Stream trades under account 123456789012 not found.',
          $metadata: { httpStatusCode: 400 },
        }),
      );
      const target = producer();
      await putAll(target, lines(3));

      // Act
      await target.flush();
      const next = target.put({ data: 'late' });

      // Assess
      await expect(next).rejects.toThrow(StreamUnavailableError);
      await expect(next).rejects.toThrow(/ResourceNotFoundException: Stream trades under account/);
      const result = await target.close();
      expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1);
      expect(result.stats).toMatchObject({ accepted: 3, sent: 0, failed: 3, retried: 0 });
      expect(result.failures).toStrictEqual([
        { errorCode: 'ResourceNotFoundException', count: 3, message: expect.stringContaining('not found') },
      ]);
    });
  });

  describe('partition keys', () => {
    const keysOf = (): string[] => calls.flat().map((r) => r.PartitionKey ?? '');

    it('takes the key from a JSON field, a dotted path, or the record itself', async () => {
      // Prepare
      const target = producer({ partitionKey: { field: 'meta.device' } });

      // Act
      await target.put({ data: '{"meta":{"device":"greenhouse-1"},"t":1}' });
      await target.put({ data: '{"meta":{"device":42}}' });
      await target.put({ data: '{"meta":{"device":"x"}}', partitionKey: 'given' });
      await target.close();

      // Assess
      expect(keysOf()).toStrictEqual(['greenhouse-1', '42', 'given']);
    });

    it('falls back to a random key when the field is missing or the record is not JSON', async () => {
      // Prepare
      const draws = [0.25, 0.75];
      const target = producer({ partitionKey: { field: 'device' }, random: () => draws.shift() ?? 0 });

      // Act
      await target.put({ data: '{"other":1}' });
      await target.put({ data: '127.0.0.1 - - [21/Nov/2026:08:30:05 +0000] "GET / HTTP/1.1" 200 1' });
      await target.close();

      // Assess
      expect(keysOf()).toStrictEqual([(2 ** 50).toString(16).padStart(13, '0'), (3 * 2 ** 50).toString(16)]);
    });

    it('gives each record its own random key by default', async () => {
      // Prepare
      let n = 0;
      const target = producer({ random: () => (n++ % 1000) / 1000 });

      // Act
      await putAll(target, lines(100));
      await target.close();

      // Assess
      const keys = keysOf();
      expect(new Set(keys).size).toBe(100);
      expect(keys.every((key) => /^[0-9a-f]{13}$/.test(key))).toBe(true);
    });

    it('uses a key function, cutting keys to 256 characters', async () => {
      // Prepare
      const target = producer({ partitionKey: (data) => `${text.decode(data)}`.repeat(300) });

      // Act
      await target.put({ data: 'a' });
      await target.close();

      // Assess
      expect(keysOf()).toStrictEqual(['a'.repeat(256)]);
    });
  });

  describe('KPL aggregation', () => {
    it('packs user records into aggregates keyed by their first record', async () => {
      // Prepare
      const target = producer({ kpl: { maxRecords: 100 } });

      // Act
      for (let i = 0; i < 250; i++) await target.put({ data: `{"n":${i}}`, partitionKey: `k${i % 7}` });
      const { stats } = await target.close();

      // Assess
      const records = calls.flat();
      expect(records.map((r) => r.PartitionKey)).toStrictEqual(['k0', 'k2', 'k4']);
      expect(stats).toMatchObject({ accepted: 250, sent: 250, kinesisRecords: 3, batches: 1 });
    });
  });

  describe('progress', () => {
    it('reports fresh counters after every call', async () => {
      // Prepare
      const seen: ProducerStats[] = [];
      const target = producer({ maxInFlight: 1, onProgress: (stats) => seen.push(stats) });

      // Act
      await putAll(target, lines(1200));
      await target.close();

      // Assess
      expect(seen.map((s) => [s.batches, s.sent])).toStrictEqual([
        [1, 500],
        [2, 1000],
        [3, 1200],
      ]);
    });
  });
});
