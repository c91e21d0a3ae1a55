import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ohlc } from '../../shared/examples/index.ts';
import { BatchFolder } from '../../shared/fold/index.ts';
import { ReplayStore } from '../../shared/replay/ReplayStore.ts';
import { ItemTooLargeError } from '../../shared/storage/index.ts';
import { sequenceNumber } from '../helpers/kinesisEvent.ts';

const ddb = mockClient(DynamoDBClient);

const aggregate = () => {
  const [folded] = new BatchFolder(ohlc)
    .fold([
      {
        data: Buffer.from(
          JSON.stringify({ symbol: 'ACME', price: 10, qty: 1, time: '2026-12-06T08:30:10Z' }),
        ),
        sequenceNumber: sequenceNumber(1),
        partitionKey: 'ACME',
        arrivalMs: Date.parse('2026-12-06T08:30:20Z'),
      },
    ])
    .aggregates.values();
  if (folded === undefined) throw new Error('the trade folds to nothing');
  return folded;
};

const store = () =>
  new ReplayStore({
    definition: ohlc,
    client: new DynamoDBClient({ region: 'eu-west-1' }),
    resultsTable: 'results',
    deadLetterTable: 'dead-letters',
    now: () => Date.parse('2026-12-06T09:00:00Z'),
  });

describe('Class: ReplayStore', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(GetItemCommand).resolves({});
  });

  it('reports an item DynamoDB refuses as over 400 KB as too large, not as a failure', async () => {
    // Prepare: DynamoDB counts the item over the limit where itemSizeBytes did not
    ddb.on(PutItemCommand).rejects(
      Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const a = aggregate();

    // Act
    const write = store().writeItem({
      key: { pk: 'ohlc#ACME', sk: '2026-12-06T08:30:00.000Z' },
      aggregate: a,
      contributions: [{ sk: 'letter-1', aggregate: a }],
    });

    // Assess
    await expect(write).rejects.toBeInstanceOf(ItemTooLargeError);
    await expect(write).rejects.toThrow(
      /^replaying 1 letter\(s\) into ohlc#ACME \/ 2026-12-06T08:30:00.000Z would make the item exceed DynamoDB’s 400 KB item limit \(DynamoDB refused \d+ bytes as counted here: Item size has exceeded the maximum allowed size\)$/,
    );
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
  });

  it('passes any other refusal on as it is', async () => {
    // Prepare
    const refused = Object.assign(new Error('One or more parameter values were invalid'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    ddb.on(PutItemCommand).rejects(refused);
    const a = aggregate();

    // Act
    const write = store().writeItem({
      key: { pk: 'ohlc#ACME', sk: '2026-12-06T08:30:00.000Z' },
      aggregate: a,
      contributions: [{ sk: 'letter-1', aggregate: a }],
    });

    // Assess
    await expect(write).rejects.toBe(refused);
  });
});
