import type { KinesisStreamEvent } from 'aws-lambda';
import type { PeerAggregate, PeerCheck, RequestRow } from './types.ts';

/**
 * The straightforward hand-written loop of sample code: base64 decode, `JSON.parse`, a `Map` keyed by
 * `ip|minute` (the first 16 characters of the ISO time), count/sum/min/max in plain numbers. No
 * validation, no rejections, no exact sums, no lateness, no state encoding.
 *
 * @example
 * const groups = handLoop(event); // Map { '203.0.113.0|2026-11-21T08:30' => { count, sum, min, max } }
 */
export const handLoop = (event: KinesisStreamEvent): Map<string, PeerAggregate> => {
  const groups = new Map<string, PeerAggregate>();
  for (const record of event.Records) {
    const row = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as RequestRow;
    const key = `${row.ip}|${row.time.slice(0, 16)}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
      groups.set(key, group);
    }
    group.count += 1;
    group.sum += row.bytes;
    if (row.latencyMs < group.min) group.min = row.latencyMs;
    if (row.latencyMs > group.max) group.max = row.latencyMs;
  }
  return groups;
};

/**
 * The check figures of a hand-loop result.
 *
 * @example
 * checkHandLoop(handLoop(event)); // { groups: 1395, records: 10000 }
 */
export const checkHandLoop = (groups: ReadonlyMap<string, PeerAggregate>): PeerCheck => {
  let records = 0;
  for (const g of groups.values()) records += g.count;
  return { groups: groups.size, records };
};
