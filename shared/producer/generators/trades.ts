import { malformedJson } from './malformedJson.ts';
import { eventTime, generatorSettings } from './settings.ts';
import type { RecordGenerator } from './types.ts';
import { ZipfSampler } from './ZipfSampler.ts';

const SYMBOLS: readonly { readonly symbol: string; readonly price: number }[] = [
  { symbol: 'ACME', price: 100 },
  { symbol: 'INIT', price: 20.25 },
  { symbol: 'GLOBX', price: 54.1 },
  { symbol: 'UMBR', price: 312.4 },
  { symbol: 'STARK', price: 1020 },
  { symbol: 'WAYNE', price: 7.85 },
];
/** Per-trade volatility of the log price. */
const VOLATILITY = 0.0008;

const cents = (value: number): number => Math.round(value * 100) / 100;

/**
 * Trades `{"symbol","price","qty","time"}` for the `ohlc` pipeline: six symbols traded with Zipf-like
 * activity, each price a geometric random walk (rounded to the cent), quantities log-normal (some in round
 * lots of 100), ISO 8601 times. Malformed records: truncated JSON, price or qty of the wrong type, bad or
 * far-future time, missing field, garbage. The partition key is the symbol.
 *
 * @example
 * const trades = tradeGenerator({ seed: 3 });
 * trades.next().value.data; // '{"symbol":"ACME","price":100.04,"qty":12,"time":"2026-11-21T08:30:01.120Z"}'
 */
export const tradeGenerator: RecordGenerator = function* (options) {
  const settings = generatorSettings(options);
  const { random } = settings;
  const prices = SYMBOLS.map((s) => s.price);
  const activity = new ZipfSampler(SYMBOLS.length, 0.8);
  for (;;) {
    const i = activity.sample(random);
    const { symbol } = SYMBOLS[i] as { symbol: string };
    const price = (prices[i] as number) * Math.exp(VOLATILITY * random.gaussian());
    prices[i] = price;
    const qty = random.chance(0.1)
      ? 100 * random.int(1, 10)
      : Math.max(1, Math.round(random.logNormal(20, 1)));
    const eventMs = eventTime(settings);
    const trade = { symbol, price: cents(price), qty, time: new Date(eventMs).toISOString() };
    if (random.chance(settings.malformedShare)) {
      yield malformedJson(random, trade, eventMs, symbol, {
        numeric: ['price', 'qty'],
        wrongValues: ['"12.50"', 'ten', 'NaN', ''],
        required: ['symbol', 'price', 'qty', 'time'],
      });
    } else {
      yield { data: JSON.stringify(trade), partitionKey: symbol, malformed: false };
    }
  }
};
