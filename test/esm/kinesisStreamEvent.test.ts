import { describe, expect, it } from 'vitest';
import { kinesisStreamEvent, toKinesisStreamRecord } from '../../local/esm/index.ts';

describe('Function: toKinesisStreamRecord', () => {
  it('builds the record Lambda delivers', () => {
    // Prepare
    const arrival = new Date('2026-11-21T08:30:01.250Z');

    // Act
    const event = kinesisStreamEvent([
      toKinesisStreamRecord(
        {
          Data: Buffer.from('{"a":1}'),
          PartitionKey: 'user-7',
          SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
          ApproximateArrivalTimestamp: arrival,
        },
        {
          shardId: 'shardId-000000000001',
          streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/trades',
          region: 'us-east-1',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/streamfold-local',
        },
      ),
    ]);

    // Assess
    expect(event).toStrictEqual({
      Records: [
        {
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: 'user-7',
            sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
            data: Buffer.from('{"a":1}').toString('base64'),
            approximateArrivalTimestamp: 1795249801.25,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: 'shardId-000000000001:49590338271490256608559692538361571095921575989136588898',
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/streamfold-local',
          awsRegion: 'us-east-1',
          eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/trades',
        },
      ],
    });
  });
});
