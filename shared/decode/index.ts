export { type AccessLogOptions, accessLog } from './accessLog.ts';
export {
  type CloudWatchLogEvent,
  type CloudWatchLogsEnvelope,
  type CloudWatchParseResult,
  parseCloudWatchEnvelope,
} from './cloudWatchLogs.ts';
export { DEFAULT_DECODE_LIMITS, MAX_JSON_DEPTH } from './constants.ts';
export { type CsvColumnType, type CsvOptions, csv } from './csv.ts';
export { decodeSource } from './decodeSource.ts';
export { DecoderConfigError } from './errors.ts';
export { type GunzipResult, gunzipBounded, isGzip } from './gzip.ts';
export { type JsonOptions, json } from './json.ts';
export { aggregate, deaggregate, isKplAggregate, type KplResult, type KplUserRecord } from './kpl.ts';
export type { DecodedFields, DecodeEmitter, DecodeLimits, DecodeSink, FormatDecoder } from './types.ts';
