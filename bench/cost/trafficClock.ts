import type { RecordClock } from '../data/clock.ts';

/** Shares of records whose event time lags their arrival by minutes instead of milliseconds. */
export const TRAFFIC_DELAYS = {
  /** Delayed by 1–5 minutes: still inside every example's allowed lateness (5 minutes), so folded late. */
  lateAcceptedShare: 0.002,
  /** Delayed by 7–10 minutes: past a one-minute window's end plus 5 minutes, so dead-lettered as late. */
  tooLateShare: 0.0005,
  /** Everything else: exponential delay with this mean, capped at 30 s. */
  meanDelayMs: 400,
  maxDelayMs: 30_000,
} as const;

/**
 * Record times of the cost figure's traffic: arrivals evenly spaced over `spanMs` from the batch start (a
 * steady rate), event time = arrival − a small exponential delay, except a few records delayed by minutes
 * (see {@link TRAFFIC_DELAYS}): some are folded into older windows, some are too late and dead-lettered.
 * Deterministic for the generator's seeded PRNG.
 *
 * @example
 * accessLogs({ count: 60_000, startMs, times: trafficClock(60_000) }); // 1,000 records/s for a minute
 */
export const trafficClock =
  (spanMs: number): RecordClock =>
  (random, index, count, startMs) => {
    const arrivalMs = startMs + Math.floor((index * spanMs) / count);
    const u = random.next();
    const v = random.next();
    let delayMs: number;
    if (u < TRAFFIC_DELAYS.tooLateShare) delayMs = 420_000 + Math.floor(v * 180_000);
    else if (u < TRAFFIC_DELAYS.tooLateShare + TRAFFIC_DELAYS.lateAcceptedShare)
      delayMs = 60_000 + Math.floor(v * 240_000);
    else
      delayMs = Math.min(
        TRAFFIC_DELAYS.maxDelayMs,
        Math.floor(-Math.log(1 - v) * TRAFFIC_DELAYS.meanDelayMs),
      );
    return { eventMs: arrivalMs - delayMs, arrivalMs };
  };
