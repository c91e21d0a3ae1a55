import { BATCH_EPOCH_MS, recordTimes } from './clock.ts';
import { httpStatus, logNormal } from './distributions.ts';
import { ipPool, pathPool, USER_AGENTS } from './keyPools.ts';
import { seededRandom } from './prng.ts';
import type { GeneratedRecord, GeneratorOptions } from './types.ts';
import { zipfSampler } from './zipf.ts';

/** Options of {@link requestsJson}. */
export interface RequestsJsonOptions extends GeneratorOptions {
  /**
   * Distinct client IPs (the group key). With `distinctGroups`, every record gets its own IP.
   * @default 500
   */
  readonly ips?: number;
  /**
   * Give every record a different IP (the worst case: one group per record).
   * @default false
   */
  readonly distinctGroups?: boolean;
}

/**
 * HTTP request events as JSON objects of about 200 bytes:
 * `{"time","ip","method","path","status","bytes","latencyMs","userAgent"}`. IPs and paths are
 * Zipf-distributed (exponent 1.1 over 500 IPs and 200 paths), times ISO 8601 with milliseconds.
 * Used for the metric-set and peer comparisons (figure 1b and 2).
 *
 * @example
 * const batch = requestsJson({ count: 10_000, seed: 1 });
 */
export const requestsJson = (options: RequestsJsonOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 1);
  const count = options.count;
  const ips = ipPool(random, options.distinctGroups === true ? count : (options.ips ?? 500));
  const paths = pathPool(random, 200);
  const nextIp = zipfSampler(random, ips.length, 1.1);
  const nextPath = zipfSampler(random, paths.length, 1.1);
  const startMs = options.startMs ?? BATCH_EPOCH_MS;
  const records: GeneratedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const { eventMs, arrivalMs } = recordTimes(random, i, count, startMs);
    const status = httpStatus(random);
    const event = {
      time: new Date(eventMs).toISOString(),
      ip: options.distinctGroups === true ? ips[i] : ips[nextIp()],
      method: random.next() < 0.8 ? 'GET' : 'POST',
      path: paths[nextPath()],
      status,
      bytes: status === 304 ? 0 : Math.round(logNormal(random, 2_000, 1.2)),
      latencyMs: Math.round(logNormal(random, 20, 0.9) * 1000) / 1000,
      userAgent: random.pick(USER_AGENTS),
    };
    records.push({ text: JSON.stringify(event), arrivalMs });
  }
  return records;
};
