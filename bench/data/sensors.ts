import { BATCH_EPOCH_MS, recordTimes } from './clock.ts';
import { keptSampler } from './keptSampler.ts';
import { seededRandom } from './prng.ts';
import type { GeneratedRecord, GeneratorOptions } from './types.ts';

const SITES = ['north-field', 'south-field', 'greenhouse-a', 'greenhouse-b', 'warehouse'];

/**
 * Sensor readings as JSON objects of about 200 bytes, for the `sensor-stats` example (hopping windows):
 * `{"device","temperature","humidity","time","site","firmware","battery","rssi","sequence","unit"}`;
 * 300 Zipf-distributed devices.
 *
 * @example
 * sensors({ count: 10_000 })[0].text; // '{"device":"sensor-0000","temperature":21.43,...}'
 */
export const sensors = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 1);
  const devices = Array.from({ length: 300 }, (_, i) => `sensor-${String(i).padStart(4, '0')}`);
  const pools = options.poolSeed === undefined ? random : seededRandom(options.poolSeed);
  const base = devices.map(() => 15 + pools.next() * 10);
  const nextDevice = keptSampler(random, devices, options.keepGroup);
  const startMs = options.startMs ?? BATCH_EPOCH_MS;
  const times = options.times ?? recordTimes;
  const records: GeneratedRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const { eventMs, arrivalMs } = times(random, i, options.count, startMs);
    const d = nextDevice();
    const reading = {
      device: devices[d],
      temperature: Math.round(((base[d] as number) + (random.next() - 0.5) * 2) * 100) / 100,
      humidity: Math.round((40 + random.next() * 40) * 10) / 10,
      time: new Date(eventMs).toISOString(),
      site: SITES[d % SITES.length],
      firmware: `2.${d % 5}.${d % 3}`,
      battery: Math.round((3.3 + random.next() * 0.9) * 100) / 100,
      rssi: -40 - random.int(60),
      sequence: 1_000_000 + i,
      unit: 'celsius',
    };
    records.push({ text: JSON.stringify(reading), arrivalMs, key: reading.device as string });
  }
  return records;
};
