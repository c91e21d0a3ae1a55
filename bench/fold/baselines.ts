import type { KinesisStreamEvent } from 'aws-lambda';

/** The format of a batch, which decides its parse-only baseline. */
export type PayloadFormat = 'json' | 'csv' | 'access-log';

/**
 * Base64 decode + `JSON.parse` of every record: the least any JSON consumer of a Kinesis batch does.
 *
 * @example
 * parseJsonBaseline(event); // 10000
 */
export const parseJsonBaseline = (event: KinesisStreamEvent): number => {
  let fields = 0;
  for (const record of event.Records) {
    const value = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as object;
    if (value !== null) fields++;
  }
  return fields;
};

/**
 * Base64 decode + `split(separator)` of every record: the raw split of CSV rows (`,`) and access log
 * lines (` `), with no quoting rules, types or validation.
 *
 * @example
 * splitBaseline(event, ','); // total fields
 */
export const splitBaseline = (event: KinesisStreamEvent, separator: string): number => {
  let fields = 0;
  for (const record of event.Records) {
    fields += Buffer.from(record.kinesis.data, 'base64').toString('utf8').split(separator).length;
  }
  return fields;
};

/**
 * The parse-only baseline of a format.
 *
 * @example
 * const run = baselineFor('csv'); run(event);
 */
export const baselineFor = (format: PayloadFormat): ((event: KinesisStreamEvent) => number) => {
  if (format === 'json') return parseJsonBaseline;
  if (format === 'csv') return (event) => splitBaseline(event, ',');
  return (event) => splitBaseline(event, ' ');
};

/**
 * What the baseline of a format is, for tables.
 *
 * @example
 * baselineLabel('json'); // 'base64 + JSON.parse'
 */
export const baselineLabel = (format: PayloadFormat): string =>
  format === 'json' ? 'base64 + JSON.parse' : `base64 + split('${format === 'csv' ? ',' : ' '}')`;
