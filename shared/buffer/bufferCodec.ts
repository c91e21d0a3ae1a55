import { ByteReader } from '../codec/ByteReader.ts';
import { ByteWriter } from '../codec/ByteWriter.ts';
import { CodecError } from '../codec/errors.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { decodeAggregate, encodeAggregate, metricsFingerprint } from '../fold/aggregateCodec.ts';
import { aggregateKey } from '../fold/aggregateKey.ts';
import { decodeGroupKey } from '../fold/groupKey.ts';
import type { BufferedItem, ShardBuffer } from './ShardBuffer.ts';

/** The key of Lambda's tumbling-window state map under which the buffer is kept. */
export const STATE_KEY = 'streamfold';

const FORMAT_VERSION = 1;

/** Lambda's tumbling-window state: a string → string map, at most 1 MB per shard. */
export type WindowState = Readonly<Record<string, string>>;

/** A Kinesis sequence number (decimal, up to 129 digits) as big-endian bytes: about 23 bytes instead of 56. */
const sequenceBytes = (sequence: string): Uint8Array => {
  if (sequence === '') return new Uint8Array(0);
  const hex = BigInt(sequence).toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
};

const sequenceText = (bytes: Uint8Array): string =>
  bytes.length === 0 ? '' : BigInt(`0x${Buffer.from(bytes).toString('hex')}`).toString(10);

/**
 * Encodes a shard buffer as Lambda state: format version, metrics fingerprint, ceiling, high-water mark,
 * then per item its group key, window start, sequence range, record count and mergeable aggregate.
 *
 * @example
 * return { state: encodeBuffer(definition, buffer), batchItemFailures: [] };
 */
export const encodeBuffer = (definition: PipelineDefinition, buffer: ShardBuffer): WindowState => {
  const out = new ByteWriter(1024);
  out.byte(FORMAT_VERSION).uvarint(metricsFingerprint(definition));
  out.bytes(sequenceBytes(buffer.ceiling)).bytes(sequenceBytes(buffer.highWater));
  out.uvarint(buffer.items.size);
  for (const item of buffer.items.values()) {
    out.string(item.groupKey).svarint(item.windowStartMs);
    out.bytes(sequenceBytes(item.lowest)).bytes(sequenceBytes(item.highest)).uvarint(item.kinesisRecords);
    out.bytes(encodeAggregate(definition, item.aggregate));
  }
  return { [STATE_KEY]: Buffer.from(out.finish()).toString('base64') };
};

/**
 * Decodes the state {@link encodeBuffer} wrote; `undefined` for a fresh window's empty state.
 *
 * @throws {CodecError} when the state is not ours, corrupt, or was written under another definition of
 * the pipeline's metrics.
 * @example
 * const buffer = decodeBuffer(definition, event.state ?? {});
 */
export const decodeBuffer = (definition: PipelineDefinition, state: WindowState): ShardBuffer | undefined => {
  const text = state[STATE_KEY];
  if (text === undefined) {
    const keys = Object.keys(state);
    if (keys.length > 0) {
      throw new CodecError(
        `Tumbling-window state holds keys ${keys.map((k) => JSON.stringify(k)).join(', ')} but not "${STATE_KEY}": it was not written by streamfold`,
      );
    }
    return undefined;
  }
  if (typeof text !== 'string') {
    throw new CodecError(`Tumbling-window state "${STATE_KEY}" must be a string (given ${typeof text})`);
  }
  const input = new ByteReader(Buffer.from(text, 'base64'));
  const version = input.byte();
  if (version !== FORMAT_VERSION) {
    throw new CodecError(
      `Tumbling-window state has format version ${version}; this build reads version ${FORMAT_VERSION}`,
    );
  }
  const fingerprint = input.uvarint();
  const expected = metricsFingerprint(definition);
  if (fingerprint !== expected) {
    throw new CodecError(
      `Tumbling-window state was written by a different definition of pipeline "${definition.name}"'s metrics (fingerprint ${fingerprint}, expected ${expected})`,
    );
  }
  const ceiling = sequenceText(input.bytes());
  const highWater = sequenceText(input.bytes());
  const count = input.uvarint();
  const items = new Map<string, BufferedItem>();
  for (let i = 0; i < count; i++) {
    const groupKey = input.string();
    const windowStartMs = input.svarint();
    const lowest = sequenceText(input.bytes());
    const highest = sequenceText(input.bytes());
    const kinesisRecords = input.uvarint();
    const aggregate = decodeAggregate(definition, input.bytes());
    const values = decodeGroupKey(groupKey, definition.groupBy.length);
    const group: Record<string, string> = {};
    definition.groupBy.forEach((field, f) => {
      group[field] = values[f] as string;
    });
    items.set(aggregateKey(windowStartMs, groupKey), {
      groupKey,
      group,
      windowStartMs,
      aggregate,
      lowest,
      highest,
      kinesisRecords,
    });
  }
  input.expectEnd();
  return { ceiling, highWater, items };
};

/** Bytes the state takes as Lambda counts it (its JSON). */
export const stateBytes = (state: WindowState): number => Buffer.byteLength(JSON.stringify(state), 'utf8');
