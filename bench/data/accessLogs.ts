import { BATCH_EPOCH_MS, clfTime, recordTimes } from './clock.ts';
import { httpStatus, logNormal } from './distributions.ts';
import { keptSampler } from './keptSampler.ts';
import { ipPool, pathPool, USER_AGENTS } from './keyPools.ts';
import { seededRandom } from './prng.ts';
import type { GeneratedRecord, GeneratorOptions } from './types.ts';
import { zipfSampler } from './zipf.ts';

const REFERERS = [
  '-',
  'https://shop.example.com/',
  'https://www.google.com/',
  'https://shop.example.com/cart',
];

/**
 * Access log lines in Combined Log Format with a trailing nginx `$request_time`, one line per record,
 * for the `requests-by-ip` example: Zipf IPs (500) and paths (200), 150–250 bytes per line.
 *
 * @example
 * accessLogs({ count: 10_000 })[0].text; // '203.0.113.0 - - [21/Nov/2026:08:29:59 +0000] "GET /index.html HTTP/1.1" 200 1043 "-" "curl/8.5.0" 0.012'
 */
export const accessLogs = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 1);
  const pools = options.poolSeed === undefined ? random : seededRandom(options.poolSeed);
  const ips = ipPool(pools, 500);
  const paths = pathPool(pools, 200);
  const nextIp = keptSampler(random, ips, options.keepGroup);
  const nextPath = zipfSampler(random, paths.length, 1.1);
  const startMs = options.startMs ?? BATCH_EPOCH_MS;
  const times = options.times ?? recordTimes;
  const records: GeneratedRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const { eventMs, arrivalMs } = times(random, i, options.count, startMs);
    const status = httpStatus(random);
    const bytes = status === 304 ? 0 : Math.round(logNormal(random, 2_000, 1.2));
    const seconds = (logNormal(random, 0.02, 0.9) + 0.0005).toFixed(3);
    const method = random.next() < 0.8 ? 'GET' : 'POST';
    const ip = ips[nextIp()] as string;
    const text = `${ip} - - [${clfTime(eventMs)}] "${method} ${paths[nextPath()]} HTTP/1.1" ${status} ${bytes} "${random.pick(REFERERS)}" "${random.pick(USER_AGENTS)}" ${seconds}`;
    records.push({ text, arrivalMs, key: ip });
  }
  return records;
};
