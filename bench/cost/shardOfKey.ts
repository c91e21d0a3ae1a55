import { createHash } from 'node:crypto';

/**
 * The shard of a fresh Kinesis stream of `shards` shards that a partition key lands on: Kinesis maps the
 * MD5 of the key (a 128-bit integer) to the shard whose hash-key range holds it, and a new stream splits
 * the range evenly. The top 32 bits decide, which is exact except within 2^-32 of a boundary.
 *
 * @example
 * shardOfKey('203.0.113.7', 4); // 0..3
 */
export const shardOfKey = (partitionKey: string, shards: number): number => {
  const top = createHash('md5').update(partitionKey, 'utf8').digest().readUInt32BE(0);
  return Math.floor((top * shards) / 2 ** 32);
};

/**
 * A memoised test "does this group key land on `shard`": the `keepGroup` of a generator producing one
 * shard's records under partitioning by group key.
 *
 * @example
 * requestsJson({ count: 1000, keepGroup: keysOfShard(0, 4) });
 */
export const keysOfShard = (shard: number, shards: number): ((key: string) => boolean) => {
  const known = new Map<string, boolean>();
  return (key) => {
    let kept = known.get(key);
    if (kept === undefined) {
      kept = shardOfKey(key, shards) === shard;
      known.set(key, kept);
    }
    return kept;
  };
};
