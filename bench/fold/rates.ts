import { round, type TimingSummary } from '../harness/stats.ts';

/** A timing turned into throughput. */
export interface Rate {
  readonly medianMs: number;
  /** Interquartile range of the samples, in ms. */
  readonly p25Ms: number;
  readonly p75Ms: number;
  readonly samples: number;
  readonly recordsPerSec: number;
  /** Payload megabytes (10^6 bytes, after base64 decoding) per second. */
  readonly mbPerSec: number;
}

/**
 * Throughput of one batch from its median time.
 *
 * @example
 * toRate(timing, 10_000, 2_170_000); // { recordsPerSec: 1_250_000, mbPerSec: 271, ... }
 */
export const toRate = (timing: TimingSummary, records: number, bytes: number): Rate => ({
  medianMs: round(timing.medianMs, 4),
  p25Ms: round(timing.p25Ms, 4),
  p75Ms: round(timing.p75Ms, 4),
  samples: timing.samples,
  recordsPerSec: round((records / timing.medianMs) * 1000),
  mbPerSec: round(bytes / 1e6 / (timing.medianMs / 1000)),
});
