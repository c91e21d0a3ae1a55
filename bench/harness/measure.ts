import { performance } from 'node:perf_hooks';
import { summarise, type TimingSummary } from './stats.ts';

/** One thing to time: `run` does the whole unit of work (one batch) and returns something to keep alive. */
export interface BenchCase {
  readonly name: string;
  readonly run: () => unknown;
}

/** Options of {@link measureCases}. */
export interface MeasureOptions {
  /** Untimed runs of every case first (JIT warm-up). */
  readonly warmup: number;
  /** Timed rounds; each round runs every case once. */
  readonly rounds: number;
}

/** Keeps results reachable so that no work can be optimised away. */
let sink: unknown;

/**
 * Times cases in interleaved rounds: after `warmup` untimed runs of each, every round runs every case
 * once (the order rotates each round). Interleaving means slow phases of a shared, noisy machine hit all
 * cases alike, so ratios between cases stay meaningful. `run` may return a promise; it is awaited inside
 * the timing.
 *
 * No full GC is forced between samples: a forced full GC frees the hidden classes of the previous batch's
 * objects, V8 then throws away the optimised code built on them, and every sample would measure
 * re-optimisation, which a Lambda working batch after batch does not pay on each batch. Garbage
 * collection the work itself causes stays in the timings.
 *
 * @example
 * const timings = await measureCases([{ name: 'parse', run: () => parse(batch) }], { warmup: 3, rounds: 15 });
 * timings.get('parse')?.medianMs;
 */
export const measureCases = async (
  cases: readonly BenchCase[],
  options: MeasureOptions,
): Promise<Map<string, TimingSummary>> => {
  for (let w = 0; w < options.warmup; w++) {
    for (const c of cases) sink = await c.run();
  }
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + r) % cases.length] as BenchCase;
      const start = performance.now();
      sink = await c.run();
      (times.get(c.name) as number[]).push(performance.now() - start);
    }
  }
  sink = undefined;
  return new Map([...times].map(([name, samples]) => [name, summarise(samples)]));
};

/**
 * The value last produced by a case (for tests of the harness; keeps `sink` observable).
 *
 * @example
 * lastResult();
 */
export const lastResult = (): unknown => sink;
