export { StreamReadError } from './errors.ts';
export { type ReadShardRangeOptions, readShardRange, type ShardRange } from './readShardRange.ts';
