import { MAX_PARTITION_KEY_LENGTH } from './constants.ts';
import { ProducerOptionError } from './errors.ts';
import type { PartitionKeySource } from './types.ts';

const OPEN_BRACE = 123;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A random partition key: 13 hex digits from `random` (MD5 spreads any distinct keys evenly over shards).
 *
 * @example
 * randomPartitionKey(Math.random); // '8f3a09c2d41be'
 */
export const randomPartitionKey = (random: () => number): string =>
  Math.floor(random() * 2 ** 52)
    .toString(16)
    .padStart(13, '0');

/** A usable key from a field value: strings as they are, numbers and booleans as text, cut to 256 characters. */
const keyOf = (value: unknown): string | undefined => {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else return undefined;
  if (text.length === 0) return undefined;
  return text.length > MAX_PARTITION_KEY_LENGTH ? text.slice(0, MAX_PARTITION_KEY_LENGTH) : text;
};

const fieldReader = (field: string): ((data: Uint8Array) => string | undefined) => {
  const path = field.split('.');
  if (field.length === 0 || path.some((part) => part.length === 0)) {
    throw new ProducerOptionError(
      `Partition key field must be a field name or a dotted path such as "meta.id" (given "${field}")`,
    );
  }
  return (data) => {
    let start = 0;
    while (start < data.length && (data[start] === 32 || data[start] === 9)) start++;
    if (data[start] !== OPEN_BRACE) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(utf8.decode(data));
    } catch {
      return undefined;
    }
    for (const part of path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return keyOf(value);
  };
};

/**
 * Compiles a {@link PartitionKeySource} into a function from a record's bytes to its partition key. Keys
 * taken from a field or a function are cut to 256 characters; when there is no usable key (not JSON, field
 * missing or not a scalar, empty string), the key is random.
 *
 * @throws {ProducerOptionError} when the field path is empty or has an empty part.
 * @example
 * const keyFor = partitionKeyFunction({ field: 'device' }, Math.random);
 * keyFor(new TextEncoder().encode('{"device":"greenhouse-1"}')); // 'greenhouse-1'
 * keyFor(new TextEncoder().encode('not json')); // a random key
 */
export const partitionKeyFunction = (
  source: PartitionKeySource,
  random: () => number,
): ((data: Uint8Array) => string) => {
  if (source === 'random') return () => randomPartitionKey(random);
  const read = typeof source === 'function' ? source : fieldReader(source.field);
  return (data) => {
    const key = typeof source === 'function' ? keyOf(read(data)) : read(data);
    return key ?? randomPartitionKey(random);
  };
};
