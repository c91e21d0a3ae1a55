import { accessLog } from '../decode/accessLog.ts';
import { definePipeline } from '../definition/definePipeline.ts';
import { count } from '../metrics/count.ts';
import { distinct } from '../metrics/distinct.ts';
import { quantiles } from '../metrics/quantiles.ts';
import { sum } from '../metrics/sum.ts';
import { topK } from '../metrics/topK.ts';
import { tumbling } from '../window/tumbling.ts';

/**
 * Web access logs (Common or Combined Log Format, optional nginx `$request_time`) counted per client IP
 * per minute: the seed article's "extract client IPs with a regex and count them", done properly.
 */
export const requestsByIp = definePipeline({
  name: 'requests-by-ip',
  description: 'Requests, errors, bytes, latency and paths per client IP per minute, from web access logs',
  stream: 'access-logs',
  decode: accessLog(),
  groupBy: ['ip'],
  eventTime: { field: 'time', format: 'clf' },
  window: tumbling('1m', { allowedLateness: '5m' }),
  metrics: {
    requests: count(),
    errors: count({ where: (r) => typeof r.status === 'number' && r.status >= 500 }),
    bytes: sum('bytes', { missing: 'skip' }),
    latency: quantiles('requestTimeMs', { missing: 'skip' }),
    paths: distinct('path', { missing: 'skip' }),
    topPaths: topK('path', 5, { missing: 'skip' }),
  },
  retention: '30d',
  rankBy: ['requests', 'errors', 'bytes'],
});
