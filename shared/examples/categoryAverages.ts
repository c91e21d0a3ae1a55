import { csv } from '../decode/csv.ts';
import { definePipeline } from '../definition/definePipeline.ts';
import { count } from '../metrics/count.ts';
import { mean } from '../metrics/mean.ts';
import { tumbling } from '../window/tumbling.ts';

/**
 * CSV rows `time,category,price,quantity` averaged per category per minute: the seed article's
 * "average CSV columns per category and store them with insert-or-replace", with exactly-once upserts.
 * A header line, if present, is recognised and skipped.
 */
export const categoryAverages = definePipeline({
  name: 'category-averages',
  description: 'Row count and mean price and quantity per category per minute, from CSV rows',
  stream: 'csv-rows',
  decode: csv({
    columns: ['time', 'category', 'price', 'quantity'],
    types: { price: 'number', quantity: 'number' },
  }),
  groupBy: ['category'],
  eventTime: 'time',
  window: tumbling('1m', { allowedLateness: '5m' }),
  metrics: {
    rows: count(),
    price: mean('price'),
    quantity: mean('quantity'),
  },
  retention: '30d',
  rankBy: ['rows'],
});
