/**
 * Why a record was set aside. Codes are stable: they appear in dead letters, metrics and `fold --json`.
 */
export const REJECTION_REASONS = {
  'record-too-large': 'the Kinesis record payload exceeds the configured maximum size',
  'empty-record': 'the payload (or line) holds no data',
  'invalid-utf8': 'the payload is not valid UTF-8 text',
  'invalid-json': 'the payload is not valid JSON',
  'not-an-object': 'the JSON value is not an object',
  'json-too-deep': 'the JSON nests deeper than the configured limit',
  'csv-quote': 'a CSV field has an unterminated or misplaced quote',
  'csv-column-count': 'a CSV row has a different number of fields than the declared columns',
  'csv-type': 'a CSV field does not parse as its declared column type',
  'csv-no-header': 'a CSV payload has no header line and no columns are declared',
  'access-log-syntax': 'the line is not in Common or Combined Log Format',
  'gzip-corrupt': 'the gzip payload is corrupt or truncated',
  'gzip-too-large': 'the gzip payload decompresses beyond the configured limit',
  'cloudwatch-envelope': 'the CloudWatch Logs subscription envelope is malformed',
  'kpl-corrupt': 'the KPL aggregate is corrupt or truncated',
  'kpl-md5-mismatch': 'the KPL aggregate checksum does not match its content',
  'missing-field': 'a field the pipeline needs is absent or null',
  'invalid-field-type': 'a field has the wrong type for its use',
  'invalid-number': 'a numeric field is NaN, infinite or not a number',
  'invalid-timestamp': 'the event time field does not parse in its declared format',
  'timestamp-out-of-range': 'the event time is before 1970 or after 9999',
  'timestamp-in-future': 'the event time is further ahead of the arrival time than the allowed clock skew',
  'group-key-too-long': 'the group key exceeds the DynamoDB key size budget',
  'invalid-group-key': 'a group-by value contains control characters or is not a scalar',
  'item-too-large': 'folding the record would make its results item exceed the DynamoDB item size limit',
  'decoder-failure':
    'the decoder failed unexpectedly on this payload (an internal error; the payload is kept)',
} as const;

/** A stable rejection code. */
export type RejectionReason = keyof typeof REJECTION_REASONS;

export const isRejectionReason = (value: string): value is RejectionReason =>
  Object.hasOwn(REJECTION_REASONS, value);
