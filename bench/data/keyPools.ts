import type { SeededRandom } from './prng.ts';

/**
 * `n` distinct client IPs (203.0.113.0/24 first, then 10.x.y.z), deterministic for the generator.
 *
 * @example
 * ipPool(random, 500)[0]; // '203.0.113.0'
 */
export const ipPool = (random: SeededRandom, n: number): string[] => {
  const seen = new Set<string>();
  const ips: string[] = [];
  for (let i = 0; i < Math.min(n, 256); i++) {
    const ip = `203.0.113.${i}`;
    seen.add(ip);
    ips.push(ip);
  }
  while (ips.length < n) {
    const ip = `10.${random.int(256)}.${random.int(256)}.${1 + random.int(254)}`;
    if (seen.has(ip)) continue;
    seen.add(ip);
    ips.push(ip);
  }
  return ips;
};

const SEGMENTS = ['api', 'items', 'cart', 'users', 'search', 'static', 'img', 'orders', 'v2', 'health'];

/**
 * `n` distinct URL paths of 1–3 segments, some with numeric ids.
 *
 * @example
 * pathPool(random, 200)[0]; // '/index.html'
 */
export const pathPool = (random: SeededRandom, n: number): string[] => {
  const seen = new Set<string>(['/index.html']);
  const paths = ['/index.html'];
  while (paths.length < n) {
    const depth = 1 + random.int(3);
    let path = '';
    for (let d = 0; d < depth; d++) path += `/${random.pick(SEGMENTS)}`;
    if (random.next() < 0.5) path += `/${random.int(100_000)}`;
    if (seen.has(path)) continue;
    seen.add(path);
    paths.push(path);
  }
  return paths;
};

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * `n` distinct ticker symbols of 3–4 capital letters.
 *
 * @example
 * symbolPool(random, 50); // ['QXV', 'ABCD', ...]
 */
export const symbolPool = (random: SeededRandom, n: number): string[] => {
  const seen = new Set<string>();
  const symbols: string[] = [];
  while (symbols.length < n) {
    const length = 3 + random.int(2);
    let symbol = '';
    for (let i = 0; i < length; i++) symbol += LETTERS[random.int(26)];
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    symbols.push(symbol);
  }
  return symbols;
};

/** User agents as they appear in access logs. */
export const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'curl/8.5.0',
  'Go-http-client/2.0',
];
