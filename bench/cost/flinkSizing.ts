/**
 * Throughput assumed per Managed Flink KPU (1 vCPU, 4 GB) for a windowed GROUP BY with sketches: 5,000
 * records/s. Source: Alibaba Cloud's sizing for its managed Flink (a compute unit of 1 core and 4 GB
 * "can process 1,000 to 5,000 data records per second" for GROUP BY and window functions). AWS publishes no
 * such figure; we take the upper end, which favours Flink.
 */
export const FLINK_SIZING = {
  recordsPerSecondPerKpu: 5_000,
  source:
    'https://www.alibabacloud.com/help/en/realtime-compute-for-apache-flink/latest/billing-unit-and-billable-items',
  read: '2026-12-06',
  /** Running application storage that comes with each KPU (AWS docs, "Application resources"). */
  storageGbPerKpu: 50,
} as const;

/** The KPUs an application needs. */
export interface FlinkSize {
  /** KPUs running the job: enough for the rate, at least one. */
  readonly processing: number;
  /** The orchestration KPU every application is billed for. */
  readonly orchestration: 1;
  readonly total: number;
}

/**
 * The smallest Managed Flink application that holds `recordsPerSecond`.
 *
 * @example
 * flinkSize(4_000); // { processing: 1, orchestration: 1, total: 2 }
 */
export const flinkSize = (
  recordsPerSecond: number,
  recordsPerKpu: number = FLINK_SIZING.recordsPerSecondPerKpu,
): FlinkSize => {
  const processing = Math.max(1, Math.ceil(recordsPerSecond / recordsPerKpu));
  return { processing, orchestration: 1, total: processing + 1 };
};
