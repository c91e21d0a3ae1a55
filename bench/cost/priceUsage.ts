import { PRICES, type PriceTable } from './prices.ts';

/** What one option consumes in a scenario (besides Kinesis, which every option shares). */
export interface OptionUsage {
  /** Every billed write unit: results table, its indexes, finalizer, dead letters. */
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  /** Including the orchestration KPU. */
  readonly flinkKpuHours: number;
  readonly flinkStorageGbMonths: number;
}

/** An option's bill, in US dollars. */
export interface OptionDollars {
  readonly dynamoWrites: number;
  readonly dynamoReads: number;
  readonly lambda: number;
  readonly flink: number;
  readonly total: number;
}

/** What the stream costs, the same for every option. */
export interface KinesisUsage {
  readonly streamHours: number;
  /** GiB ingested, each record rounded up to 1 KiB. */
  readonly gibIn: number;
  /** GiB retrieved by the one consumer, each record rounded up to 1 KiB. */
  readonly gibOut: number;
}

/** No usage at all. */
export const NO_USAGE: OptionUsage = {
  dynamoWriteUnits: 0,
  dynamoReadUnits: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  flinkKpuHours: 0,
  flinkStorageGbMonths: 0,
};

/**
 * Sums usages.
 *
 * @example
 * addUsage(handler, finalizer);
 */
export const addUsage = (...usages: readonly OptionUsage[]): OptionUsage =>
  usages.reduce(
    (sum, u) => ({
      dynamoWriteUnits: sum.dynamoWriteUnits + u.dynamoWriteUnits,
      dynamoReadUnits: sum.dynamoReadUnits + u.dynamoReadUnits,
      lambdaInvocations: sum.lambdaInvocations + u.lambdaInvocations,
      lambdaGbSeconds: sum.lambdaGbSeconds + u.lambdaGbSeconds,
      flinkKpuHours: sum.flinkKpuHours + u.flinkKpuHours,
      flinkStorageGbMonths: sum.flinkStorageGbMonths + u.flinkStorageGbMonths,
    }),
    NO_USAGE,
  );

/**
 * Prices an option's usage with the list prices.
 *
 * @example
 * priceUsage({ ...NO_USAGE, dynamoWriteUnits: 1e6 }).total; // 0.625
 */
export const priceUsage = (usage: OptionUsage, prices: PriceTable = PRICES): OptionDollars => {
  const dynamoWrites = usage.dynamoWriteUnits * prices.dynamoWriteRequestUnit.usd;
  const dynamoReads = usage.dynamoReadUnits * prices.dynamoReadRequestUnit.usd;
  const lambda =
    usage.lambdaInvocations * prices.lambdaRequest.usd + usage.lambdaGbSeconds * prices.lambdaArmGbSecond.usd;
  const flink =
    usage.flinkKpuHours * prices.flinkKpuHour.usd +
    usage.flinkStorageGbMonths * prices.flinkRunningStorageGbMonth.usd;
  return { dynamoWrites, dynamoReads, lambda, flink, total: dynamoWrites + dynamoReads + lambda + flink };
};

/**
 * Prices the stream (on-demand standard): stream-hours, data in, data out.
 *
 * @example
 * priceKinesis({ streamHours: 730, gibIn: 0, gibOut: 0 }); // 29.2
 */
export const priceKinesis = (usage: KinesisUsage, prices: PriceTable = PRICES): number =>
  usage.streamHours * prices.kinesisOnDemandStreamHour.usd +
  usage.gibIn * prices.kinesisOnDemandGbIn.usd +
  usage.gibOut * prices.kinesisOnDemandGbOut.usd;
