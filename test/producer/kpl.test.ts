import {
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../shared/decode/constants.ts';
import { decodeSource } from '../../shared/decode/decodeSource.ts';
import { json } from '../../shared/decode/json.ts';
import { deaggregate, isKplAggregate } from '../../shared/decode/kpl.ts';
import { ohlc } from '../../shared/examples/ohlc.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';
import {
  KplAggregator,
  type KplInput,
  type KplOutput,
  Producer,
  tradeGenerator,
} from '../../shared/producer/index.ts';
import type { DecodedRecord } from '../../shared/record/types.ts';
import type { Rejection } from '../../shared/rejection/types.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';

const encoder = new TextEncoder();
const keyBytes = (key: string): number => encoder.encode(key).length;

/** The user records an output stands for: deaggregated, or the plain record itself. */
const unpack = (output: KplOutput): KplInput[] => {
  if (output.userRecords === 1 && !isKplAggregate(output.data)) {
    return [{ data: output.data, partitionKey: output.partitionKey }];
  }
  const result = deaggregate(output.data);
  if (!result.ok) throw new Error(result.message);
  return result.records.map((r) => ({ data: r.data, partitionKey: r.partitionKey }));
};

const userRecord = fc.record({
  partitionKey: fc.constantFrom('ACME', 'INIT', 'ü-key', 'k'.repeat(256)),
  data: fc.uint8Array({ minLength: 0, maxLength: 2_000 }),
});

describe('Class: KplAggregator', () => {
  it('keeps every record, in order, in outputs that never pass maxBytes or maxRecords', () => {
    fc.assert(
      fc.property(
        fc.array(userRecord, { maxLength: 120 }),
        fc.integer({ min: 3_000, max: 20_000 }),
        fc.integer({ min: 1, max: 40 }),
        (records, maxBytes, maxRecords) => {
          // Prepare
          const aggregator = new KplAggregator({ maxBytes, maxRecords });

          // Act
          const outputs = records.flatMap((record) => aggregator.add(record));
          const last = aggregator.seal();
          if (last !== undefined) outputs.push(last);

          // Assess
          for (const output of outputs) {
            expect(output.data.length + keyBytes(output.partitionKey)).toBeLessThanOrEqual(maxBytes);
            expect(output.userRecords).toBeLessThanOrEqual(maxRecords);
            expect(output.partitionKey).toBe(unpack(output)[0]?.partitionKey);
          }
          const back = outputs.flatMap(unpack);
          expect(back.map((r) => r.partitionKey)).toStrictEqual(records.map((r) => r.partitionKey));
          expect(back.map((r) => Buffer.from(r.data).toString('hex'))).toStrictEqual(
            records.map((r) => Buffer.from(r.data).toString('hex')),
          );
        },
      ),
    );
  });

  it('tracks the exact size of the aggregate it is building', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 2, maxLength: 50 }), (records) => {
        // Prepare
        const aggregator = new KplAggregator({ maxRecords: 1_000 });
        for (const record of records) aggregator.add(record);

        // Act
        const predicted = aggregator.bytes;
        const sealed = aggregator.seal() as KplOutput;

        // Assess
        expect(predicted).toBe(sealed.data.length + keyBytes(sealed.partitionKey));
      }),
    );
  });

  it('sends a record too large for any aggregate as a plain record', () => {
    // Prepare
    const aggregator = new KplAggregator({ maxBytes: 1_000 });
    aggregator.add({ data: encoder.encode('small'), partitionKey: 'a' });
    const big = { data: new Uint8Array(990), partitionKey: 'b' };

    // Act
    const outputs = aggregator.add(big);

    // Assess
    expect(outputs.map((o) => [o.partitionKey, o.userRecords, o.data.length])).toStrictEqual([
      ['a', 1, 5],
      ['b', 1, 990],
    ]);
    expect(aggregator.length).toBe(0);
  });
});

describe('KPL aggregation through the handler', () => {
  const kinesis = mockClient(KinesisClient);
  afterAll(() => kinesis.restore());

  it('gives back every user record when the handler decodes and folds what the producer put', async () => {
    // Prepare
    const put: PutRecordsRequestEntry[] = [];
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      put.push(...(input.Records ?? []));
      return {
        Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-0' })),
      };
    });
    const nowMs = Date.parse('2026-11-21T08:30:30Z');
    const trades = tradeGenerator({ seed: 11, now: () => nowMs, malformedShare: 0.02 });
    const generated = Array.from({ length: 3_000 }, () => trades.next().value);
    const producer = new Producer({
      client: new KinesisClient({ region: 'eu-west-1' }),
      stream: 'trades',
      kpl: { maxBytes: 20_000 },
    });

    // Act
    for (const record of generated) await producer.put(record);
    const { stats } = await producer.close();
    const event = kinesisEvent(
      put.map((record, i) => ({
        data: record.Data as Uint8Array,
        partitionKey: record.PartitionKey as string,
        sequenceNumber: sequenceNumber(i + 1),
        arrivalMs: nowMs,
      })),
    );
    const sources = event.Records.map(toSourceRecord);
    const batch = new BatchFolder(ohlc).fold(sources);
    const decoded: DecodedRecord[] = [];
    const rejected: Rejection[] = [];
    for (const source of sources) {
      decodeSource(source, json(), DEFAULT_DECODE_LIMITS, {
        record: (r) => decoded.push(r),
        reject: (r) => rejected.push(r),
      });
    }

    // Assess
    expect(stats).toMatchObject({ accepted: 3_000, sent: 3_000, failed: 0 });
    expect(put.length).toBe(stats.kinesisRecords);
    expect(put.length).toBeGreaterThan(10);
    expect(put.length).toBeLessThan(300);
    const malformed = generated.filter((r) => r.malformed).length;
    expect(batch.stats).toMatchObject({ in: 3_000, folded: 3_000 - malformed, rejected: malformed, late: 0 });
    // The JSON decoder alone gives back every user record that is a JSON object, in order
    expect(decoded.map((r) => JSON.stringify(r.fields))).toStrictEqual(
      generated.filter((r) => isJsonObject(r.data)).map((r) => JSON.stringify(JSON.parse(r.data))),
    );
    expect(decoded.length + rejected.length).toBe(3_000);
    expect(decoded.every((r) => r.origin.subIndex !== undefined)).toBe(true);
  });
});

const isJsonObject = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};
