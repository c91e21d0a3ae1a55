/** Account id of every local ARN (the one kinesis-mock and LocalStack use). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Lambda's synchronous invocation payload limit: a batch stops growing before its event exceeds it. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** JSON bytes of one event record besides its base64 data and partition key (ARNs, ids, field names). */
export const RECORD_ENVELOPE_BYTES = 600;

/** `GetRecords` returns at most this many records per call. */
export const GET_RECORDS_MAX_LIMIT = 10_000;

/** `version` of an on-failure record and `kinesisSchemaVersion`/`eventVersion` of an event record. */
export const SCHEMA_VERSION = '1.0';
