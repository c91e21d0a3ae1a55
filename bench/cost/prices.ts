/** One list price, with where it was read and when. */
export interface ListPrice {
  /** US dollars per one `unit`. */
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  /** The date the price was read (YYYY-MM-DD). */
  readonly read: string;
  readonly note?: string;
}

const READ = '2026-12-06';

/**
 * The list prices the cost figure uses (us-east-1, on-demand, no free tier, no savings plans). Change them
 * here only: every dollar in `npm run bench` comes from this table, and the JSON carries a copy.
 */
export const PRICES = {
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (1 KB of item, per table or index write)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
    note: 'after the November 2024 on-demand price cut; GSI writes are billed at the same rate',
  },
  dynamoReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (one strongly consistent read of up to 4 KB)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second of arm64 duration (first 7.5 billion GB-s a month)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'invocation',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
  },
  kinesisOnDemandStreamHour: {
    usd: 0.04,
    unit: 'stream-hour (on-demand standard)',
    source: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
    read: READ,
  },
  kinesisOnDemandGbIn: {
    usd: 0.08,
    unit: 'GiB ingested, each record rounded up to 1 KiB (on-demand standard)',
    source: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
    read: READ,
  },
  kinesisOnDemandGbOut: {
    usd: 0.04,
    unit: 'GiB retrieved by a shared-throughput consumer, each record rounded up to 1 KiB (on-demand standard)',
    source: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
    read: READ,
    note: 'every option reads the stream once (one consumer)',
  },
  flinkKpuHour: {
    usd: 0.11,
    unit: 'KPU-hour (1 vCPU, 4 GB); one more KPU per application for orchestration is always billed',
    source: 'https://aws.amazon.com/managed-service-apache-flink/pricing/',
    read: READ,
  },
  flinkRunningStorageGbMonth: {
    usd: 0.1,
    unit: 'GB-month of running application storage (50 GB per KPU)',
    source: 'https://aws.amazon.com/managed-service-apache-flink/pricing/',
    read: READ,
  },
} as const satisfies Readonly<Record<string, ListPrice>>;

/** The price table's shape. */
export type PriceTable = { readonly [K in keyof typeof PRICES]: ListPrice };

/** Seconds in the month the monthly figures use: 730 hours, as AWS's calculator does. */
export const SECONDS_PER_MONTH = 730 * 3600;
