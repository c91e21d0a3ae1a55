import { json } from '../../shared/decode/json.ts';
import { definePipeline } from '../../shared/definition/definePipeline.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { count } from '../../shared/metrics/count.ts';
import { distinct } from '../../shared/metrics/distinct.ts';
import { max, min } from '../../shared/metrics/extreme.ts';
import { mean } from '../../shared/metrics/mean.ts';
import { quantiles } from '../../shared/metrics/quantiles.ts';
import { sum } from '../../shared/metrics/sum.ts';
import { topK } from '../../shared/metrics/topK.ts';
import { hopping } from '../../shared/window/hopping.ts';
import { tumbling } from '../../shared/window/tumbling.ts';
import type { WindowSpec } from '../../shared/window/types.ts';

/** Requests `{ host, bytes, ms, user, time }` per host: the same metrics over whichever window. */
const web = (name: string, window: WindowSpec): PipelineDefinition =>
  definePipeline({
    name,
    stream: name,
    decode: json(),
    groupBy: ['host'],
    eventTime: 'time',
    window,
    metrics: {
      requests: count(),
      bytes: sum('bytes'),
      fastest: min('ms'),
      slowest: max('ms'),
      meanMs: mean('ms'),
      users: distinct('user'),
      latency: quantiles('ms'),
      topUsers: topK('user', 3),
    },
    retention: '30d',
    rankBy: ['requests'],
  });

/** One-minute windows: what a rollup reads. A day of lateness, so that test data written at once is never late. */
export const webMinutes = web('web-minutes', tumbling('1m', { allowedLateness: '1d' }));
/** One-hour windows: what `fold --json` of the same records gives, to compare with a rollup to 1 hour. */
export const webHours = web('web-hours', tumbling('1h', { allowedLateness: '1d' }));
/** Hopping 5-minute windows every minute: a rollup merges only those that tile the hour. */
export const webHopping = web('web-hopping', hopping('5m', '1m', { allowedLateness: '1d' }));
