export { type Duration, formatDuration, parseDuration } from './duration.ts';
export { TimeFormatError } from './errors.ts';
export {
  MAX_EVENT_TIME_MS,
  MIN_EVENT_TIME_MS,
  parseClfTimestamp,
  parseIsoTimestamp,
  parseTimestamp,
  TIMESTAMP_FORMATS,
  type TimestampFormat,
} from './timestamp.ts';
