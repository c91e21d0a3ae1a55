import { json } from '../decode/json.ts';
import { definePipeline } from '../definition/definePipeline.ts';
import { count } from '../metrics/count.ts';
import { max, min } from '../metrics/extreme.ts';
import { first, last } from '../metrics/firstLast.ts';
import { sum } from '../metrics/sum.ts';
import { weightedMean } from '../metrics/weightedMean.ts';
import { tumbling } from '../window/tumbling.ts';

/**
 * Trades `{ "symbol", "price", "qty", "time" }` folded into one-minute candles per symbol:
 * open/high/low/close by event time, volume, volume-weighted average price and trade count.
 */
export const ohlc = definePipeline({
  name: 'ohlc',
  description: 'One-minute OHLC candles, volume and VWAP per symbol, from JSON trades',
  stream: 'trades',
  decode: json(),
  groupBy: ['symbol'],
  eventTime: 'time',
  window: tumbling('1m', { allowedLateness: '5m' }),
  metrics: {
    open: first('price'),
    high: max('price'),
    low: min('price'),
    close: last('price'),
    volume: sum('qty'),
    vwap: weightedMean('price', 'qty'),
    trades: count(),
  },
  retention: '30d',
  rankBy: ['volume', 'trades'],
});
