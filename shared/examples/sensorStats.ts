import { json } from '../decode/json.ts';
import { definePipeline } from '../definition/definePipeline.ts';
import { count } from '../metrics/count.ts';
import { max, min } from '../metrics/extreme.ts';
import { mean } from '../metrics/mean.ts';
import { quantiles } from '../metrics/quantiles.ts';
import { hopping } from '../window/hopping.ts';

/**
 * Sensor readings `{ "device", "temperature", "humidity", "time" }` summarised per device over
 * 5-minute windows that advance every minute (each reading lands in 5 windows).
 */
export const sensorStats = definePipeline({
  name: 'sensor-stats',
  description: 'Temperature range and mean and humidity quantiles per device, 5-minute windows every minute',
  stream: 'sensors',
  decode: json(),
  groupBy: ['device'],
  eventTime: 'time',
  window: hopping('5m', '1m', { allowedLateness: '5m' }),
  metrics: {
    readings: count(),
    minTemp: min('temperature'),
    maxTemp: max('temperature'),
    meanTemp: mean('temperature'),
    humidity: quantiles('humidity'),
  },
  retention: '30d',
  rankBy: ['readings'],
});
