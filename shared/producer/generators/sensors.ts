import { malformedJson } from './malformedJson.ts';
import { eventTime, generatorSettings } from './settings.ts';
import type { RecordGenerator } from './types.ts';

const DEVICES: readonly {
  readonly device: string;
  readonly temperature: number;
  readonly humidity: number;
}[] = [
  { device: 'greenhouse-1', temperature: 22, humidity: 65 },
  { device: 'greenhouse-2', temperature: 20.5, humidity: 70 },
  { device: 'greenhouse-3', temperature: 23.5, humidity: 62 },
  { device: 'cold-room-1', temperature: 4, humidity: 85 },
  { device: 'server-room-1', temperature: 18.5, humidity: 40 },
  { device: 'server-room-2', temperature: 19.5, humidity: 38 },
];
/** Period of the daily-like cycle, sped up so a demo shows it: 10 minutes. */
const CYCLE_MS = 10 * 60_000;

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Sensor readings `{"device","temperature","humidity","time"}` for the `sensor-stats` pipeline: six
 * devices whose temperature and humidity follow a smooth cycle (10-minute period) plus slowly drifting
 * noise, humidity kept within 0–100. Malformed records: truncated JSON, a reading of the wrong type, bad or
 * far-future time, missing field, garbage. The partition key is the device.
 *
 * @example
 * const readings = sensorGenerator({ seed: 5 });
 * readings.next().value.data; // '{"device":"greenhouse-1","temperature":22.41,"humidity":64.2,"time":"…"}'
 */
export const sensorGenerator: RecordGenerator = function* (options) {
  const settings = generatorSettings(options);
  const { random } = settings;
  const phases = DEVICES.map(() => random.next() * 2 * Math.PI);
  const drift = DEVICES.map(() => ({ temperature: 0, humidity: 0 }));
  for (;;) {
    const i = random.int(0, DEVICES.length - 1);
    const base = DEVICES[i] as (typeof DEVICES)[number];
    const noise = drift[i] as { temperature: number; humidity: number };
    noise.temperature = 0.9 * noise.temperature + 0.15 * random.gaussian();
    noise.humidity = 0.9 * noise.humidity + 0.6 * random.gaussian();
    const eventMs = eventTime(settings);
    const angle = (2 * Math.PI * eventMs) / CYCLE_MS + (phases[i] as number);
    const temperature = round(base.temperature + 1.5 * Math.sin(angle) + noise.temperature, 2);
    const humidity = round(
      Math.min(100, Math.max(0, base.humidity - 4 * Math.sin(angle) + noise.humidity)),
      1,
    );
    const reading = { device: base.device, temperature, humidity, time: new Date(eventMs).toISOString() };
    if (random.chance(settings.malformedShare)) {
      yield malformedJson(random, reading, eventMs, base.device, {
        numeric: ['temperature', 'humidity'],
        wrongValues: ['21.5°C', 'high', 'NaN', ''],
        required: ['device', 'temperature', 'humidity', 'time'],
      });
    } else {
      yield { data: JSON.stringify(reading), partitionKey: base.device, malformed: false };
    }
  }
};
