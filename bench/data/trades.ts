import { BATCH_EPOCH_MS, recordTimes } from './clock.ts';
import { keptSampler } from './keptSampler.ts';
import { symbolPool } from './keyPools.ts';
import { seededRandom } from './prng.ts';
import type { GeneratedRecord, GeneratorOptions } from './types.ts';

const VENUES = ['XNAS', 'XNYS', 'ARCX', 'BATS', 'IEXG'];

/**
 * Trades as JSON objects of about 200 bytes, for the `ohlc` example:
 * `{"symbol","price","qty","time","tradeId","venue","side","conditions","currency","sequence"}`;
 * 50 Zipf-distributed symbols, each with a random walk price.
 *
 * @example
 * trades({ count: 10_000 })[0].text; // '{"symbol":"QXV","price":101.25,"qty":10,"time":"2026-11-21T08:29:59.612Z",...}'
 */
export const trades = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 1);
  const pools = options.poolSeed === undefined ? random : seededRandom(options.poolSeed);
  const symbols = symbolPool(pools, 50);
  const prices = symbols.map(() => 10 + pools.int(400));
  const nextSymbol = keptSampler(random, symbols, options.keepGroup);
  const startMs = options.startMs ?? BATCH_EPOCH_MS;
  const times = options.times ?? recordTimes;
  const records: GeneratedRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const { eventMs, arrivalMs } = times(random, i, options.count, startMs);
    const s = nextSymbol();
    const price = Math.max(0.01, (prices[s] as number) * (1 + (random.next() - 0.5) * 0.002));
    prices[s] = price;
    const trade = {
      symbol: symbols[s],
      price: Math.round(price * 100) / 100,
      qty: 1 + random.int(500),
      time: new Date(eventMs).toISOString(),
      tradeId: `T${(1_000_000_000 + i * 7919 + random.int(7919)).toString(10)}`,
      venue: random.pick(VENUES),
      side: random.next() < 0.5 ? 'buy' : 'sell',
      conditions: random.next() < 0.9 ? ['@'] : ['@', 'F', 'T'],
      currency: 'USD',
      sequence: 48_000_000 + i,
    };
    records.push({ text: JSON.stringify(trade), arrivalMs, key: trade.symbol as string });
  }
  return records;
};
