import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Producer } from '../../shared/producer/Producer.ts';

/** What the test producer put: good readings, readings with `temperature` renamed `temp`, broken ones. */
export interface SensorInput {
  readonly good: number;
  readonly renamed: number;
  readonly invalidJson: number;
  readonly notUtf8: number;
}

/**
 * Puts sensor readings on the stream: `good` as the pipeline expects, `renamed` with `temp` instead of
 * `temperature` (rejected as missing-field until the definition is fixed), `invalidJson` and `notUtf8`
 * broken for good. Event times are a minute before now, so nothing is late.
 */
export const produceSensors = async (
  client: KinesisClient,
  stream: string,
  input: SensorInput,
): Promise<void> => {
  const producer = new Producer({ client, stream, maxInFlight: 2 });
  const nowMs = Date.now();
  const reading = (i: number, field: string): Uint8Array =>
    Buffer.from(
      JSON.stringify({
        device: `dev-${i % 4}`,
        [field]: 15 + (i % 13) * 0.5,
        humidity: 30 + (i % 7),
        time: new Date(nowMs - 60_000 + i * 10).toISOString(),
      }),
    );
  let i = 0;
  for (let n = 0; n < input.good; n++, i++)
    await producer.put({ data: reading(i, 'temperature'), partitionKey: `dev-${i % 4}` });
  for (let n = 0; n < input.renamed; n++, i++)
    await producer.put({ data: reading(i, 'temp'), partitionKey: `dev-${i % 4}` });
  for (let n = 0; n < input.invalidJson; n++, i++)
    await producer.put({ data: Buffer.from(`{"device":"dev-${n}","temperature":`), partitionKey: 'broken' });
  for (let n = 0; n < input.notUtf8; n++, i++)
    await producer.put({ data: new Uint8Array([0x7b, 0xff, 0xfe, n]), partitionKey: 'broken' });
  const result = await producer.close();
  if (result.stats.failed > 0) throw new Error(`${result.stats.failed} record(s) could not be put`);
};
