import type { SeededRandom } from './SeededRandom.ts';
import { eventTime, generatorSettings } from './settings.ts';
import type { GeneratedRecord, RecordGenerator } from './types.ts';
import { ZipfSampler } from './ZipfSampler.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IPV4_NETWORKS = ['203.0.113', '198.51.100', '192.0.2', '100.64.12', '172.20.4', '10.8.3'];
const CLIENTS = 160;
const IPV6_SHARE = 0.15;
const PATHS = [
  '/',
  '/api/items',
  '/index.html',
  '/static/app.js',
  '/static/app.css',
  '/api/items/{id}',
  '/favicon.ico',
  '/search?q={word}',
  '/api/cart',
  '/products/{id}',
  '/login',
  '/health',
  '/api/orders',
  '/checkout',
  '/images/{id}.jpg',
  '/robots.txt',
  '/about',
  '/api/users/{id}',
  '/sitemap.xml',
  '/wp-login.php',
];
const WORDS = ['shoes', 'lamp', 'coffee', 'garden+chair', 'usb-c', 'book', 'gift'];
const METHODS: readonly [string, number][] = [
  ['GET', 0.86],
  ['POST', 0.1],
  ['PUT', 0.02],
  ['DELETE', 0.01],
  ['HEAD', 0.01],
];
const SERVER_ERRORS = [500, 502, 503, 504];
const USERS = ['frank', 'alice', 'bob'];
const REFERERS = [
  'https://shop.example.com/',
  'https://www.example.org/search?q=shop',
  'https://shop.example.com/cart',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/8.5.0',
  'kube-probe/1.29',
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
];
/** Zone offsets in minutes, the first much more likely. */
const ZONES = [0, 0, 0, 0, 0, 0, 60, -300, 330];
const GARBAGE = [
  '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
  'GET / HTTP/1.1',
  '-- log file rotated --',
  'upstream timed out (110: Connection timed out) while reading response header',
];
const BAD_TIMES = ['32/Nov/2026:08:30:00 +0000', '21/Foo/2026:08:30:00 +0000', '2026-11-21T08:30:00Z'];

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * An event time in Common Log Format (`21/Nov/2026:08:30:05 +0000`), written in the zone `offsetMin`.
 *
 * @example
 * clfTime(Date.UTC(2026, 10, 21, 8, 30, 5), 60); // '21/Nov/2026:09:30:05 +0100'
 */
export const clfTime = (eventMs: number, offsetMin: number): string => {
  const local = new Date(eventMs + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return (
    `${two(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ` +
    `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`
  );
};

const hex = (random: SeededRandom): string => random.int(1, 0xffff).toString(16);

const clientPool = (random: SeededRandom): string[] =>
  Array.from({ length: CLIENTS }, () =>
    random.chance(IPV6_SHARE)
      ? `2001:db8:${hex(random)}::${hex(random)}`
      : `${random.pick(IPV4_NETWORKS)}.${random.int(1, 254)}`,
  );

const pickMethod = (random: SeededRandom): string => {
  let u = random.next();
  for (const [method, p] of METHODS) {
    if (u < p) return method;
    u -= p;
  }
  return 'GET';
};

const pickStatus = (random: SeededRandom, method: string): number => {
  const u = random.next();
  if (u < 0.03) return random.pick(SERVER_ERRORS);
  if (u < 0.05) return 404;
  if (u < 0.06) return 403;
  if (u < 0.1) return method === 'GET' ? 304 : 200;
  if (u < 0.12) return 302;
  return method === 'POST' && u > 0.9 ? 201 : 200;
};

interface Line {
  readonly ip: string;
  readonly text: string;
}

const makeLine = (random: SeededRandom, eventMs: number, ip: string, path: string): Line => {
  const method = pickMethod(random);
  const status = pickStatus(random, method);
  const bytes =
    status === 304 || method === 'HEAD' || random.chance(0.02)
      ? '-'
      : String(status >= 500 ? random.int(0, 600) : Math.round(random.logNormal(2400, 1.1)));
  const user = random.chance(0.03) ? random.pick(USERS) : '-';
  const time = clfTime(eventMs, random.pick(ZONES));
  let text = `${ip} - ${user} [${time}] "${method} ${path} HTTP/1.1" ${status} ${bytes}`;
  if (!random.chance(0.1)) {
    const referer = random.chance(0.6) ? '-' : random.pick(REFERERS);
    text += ` "${referer}" "${random.pick(AGENTS)}"`;
  }
  if (random.chance(0.85)) {
    const seconds = random.logNormal(0.03, 0.8) * (status >= 500 ? 10 : 1);
    text += ` ${Math.min(seconds, 60).toFixed(3)}`;
  }
  return { ip, text };
};

const damage = (random: SeededRandom, line: Line): GeneratedRecord => {
  const { ip, text } = line;
  const kind = random.int(0, 3);
  if (kind === 0) {
    // Cut inside the request line: its quote never closes.
    const open = text.indexOf('"');
    const close = text.indexOf('"', open + 1);
    const cut = random.int(open + 1, close - 1);
    return { data: text.slice(0, cut), partitionKey: ip, malformed: true, defect: 'truncated' };
  }
  if (kind === 1) {
    const data = text.replace(/\[[^\]]*\]/, `[${random.pick(BAD_TIMES)}]`);
    return { data, partitionKey: ip, malformed: true, defect: 'bad-timestamp' };
  }
  if (kind === 2) {
    const data = text.replace(/" (\d{3}) (\d+|-)/, random.chance(0.5) ? '" $1 lots' : '" OK $2');
    return { data, partitionKey: ip, malformed: true, defect: 'wrong-type' };
  }
  return { data: random.pick(GARBAGE), partitionKey: ip, malformed: true, defect: 'garbage' };
};

/**
 * Web access log lines for the `requests-by-ip` pipeline, in Combined Log Format (one in ten in Common Log
 * Format) with an nginx-style request time in seconds on most lines: ~160 clients (some IPv6) drawn
 * Zipf-like so a few are heavy, popular paths, mostly GET, ~3 % 5xx, some 404/304, bytes `-` on 304s and
 * HEADs, zones other than UTC on a few lines. Malformed lines: truncated, bad timestamp, wrong type
 * (status or bytes), garbage. The partition key is the client IP.
 *
 * @example
 * const lines = accessLogGenerator({ seed: 7 });
 * lines.next().value; // { data: '203.0.113.9 - - [21/Nov/2026:08:30:05 +0000] "GET / HTTP/1.1" 200 1043 …', partitionKey: '203.0.113.9', malformed: false }
 */
export const accessLogGenerator: RecordGenerator = function* (options) {
  const settings = generatorSettings(options);
  const { random } = settings;
  const clients = clientPool(random);
  const clientRank = new ZipfSampler(clients.length, 1.2);
  const pathRank = new ZipfSampler(PATHS.length, 1.0);
  for (;;) {
    const ip = clients[clientRank.sample(random)] as string;
    const path = (PATHS[pathRank.sample(random)] as string)
      .replace('{id}', String(random.int(1, 5000)))
      .replace('{word}', random.pick(WORDS));
    const line = makeLine(random, eventTime(settings), ip, path);
    if (random.chance(settings.malformedShare)) yield damage(random, line);
    else yield { data: line.text, partitionKey: ip, malformed: false };
  }
};
