/** Memory at which Lambda gives a function one full vCPU (AWS Lambda docs, "Memory and computing power"). */
export const FULL_VCPU_MEMORY_MB = 1769;

/** How an invocation's billed duration is estimated. */
export interface BillingModel {
  /** The function's memory (the construct's default: 1,024 MB). */
  readonly memoryMb: number;
  /**
   * Latency of one DynamoDB request as the function waits for it. 5 ms: DynamoDB's "single-digit
   * millisecond" latency for single-item requests in-region (https://aws.amazon.com/dynamodb/), taken in
   * the middle; an assumption, not a measurement (dynalite's latencies say nothing about DynamoDB's).
   */
  readonly requestLatencyMs: number;
}

/** The construct's function: 1,024 MB, 5 ms per DynamoDB round trip. */
export const DEFAULT_BILLING: BillingModel = { memoryMb: 1024, requestLatencyMs: 5 };

/**
 * The share of a vCPU a function of `memoryMb` gets: Lambda allocates CPU in proportion to memory, one
 * vCPU at 1,769 MB. CPU time measured on one core here takes 1 / share as long there (assuming a Graviton
 * vCPU does the work of this machine's core).
 *
 * @example
 * cpuShare(1024); // 0.579
 */
export const cpuShare = (memoryMb: number): number => Math.min(1, memoryMb / FULL_VCPU_MEMORY_MB);

/**
 * Billed duration of one invocation: its CPU time stretched to the function's CPU share, plus the
 * DynamoDB round trips on its critical path times the per-request latency, rounded up to the next
 * millisecond (Lambda bills in 1 ms steps, at least 1 ms).
 *
 * @example
 * billedMs(120, 18, DEFAULT_BILLING); // ceil(120 / 0.579 + 18 × 5) = 298
 */
export const billedMs = (cpuMs: number, roundTrips: number, model: BillingModel): number =>
  Math.max(1, Math.ceil(cpuMs / cpuShare(model.memoryMb) + roundTrips * model.requestLatencyMs));

/**
 * GB-seconds of a billed duration at `memoryMb` (Lambda counts 1,024 MB as 1 GB).
 *
 * @example
 * gbSeconds(1000, 1024); // 1
 */
export const gbSeconds = (ms: number, memoryMb: number): number => (ms / 1000) * (memoryMb / 1024);
