import type { AttributeValue, ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB requests one invocation made, and the capacity DynamoDB (here dynalite) reported for them. */
export interface RequestCounts {
  batchGetItem: number;
  getItem: number;
  /** `PutItem` requests, conditional failures included. */
  putItem: number;
  /** `PutItem`s that wrote a results item (a `pk` with `#`; not a shard's ceiling item). */
  putItemWritten: number;
  /** Dead-letter `PutItem`s (one per letter, conditional: docs/adr/0003-dead-letter-replay.md). */
  deadLetterPut: number;
  other: number;
  readUnits: number;
  /** Table write units of the `PutItem`s of results items and shard ceilings. */
  putWriteUnits: number;
  /** Table write units of the dead-letter `PutItem`s. */
  deadLetterWriteUnits: number;
}

/** A dead letter's put (a dead-letter item has a `kind` and no `version`, unlike results and ceiling items). */
const isDeadLetter = (input: { Item?: Record<string, AttributeValue> }): boolean =>
  input.Item?.kind !== undefined && input.Item.version === undefined;

const zero = (): RequestCounts => ({
  batchGetItem: 0,
  getItem: 0,
  putItem: 0,
  putItemWritten: 0,
  deadLetterPut: 0,
  other: 0,
  readUnits: 0,
  putWriteUnits: 0,
  deadLetterWriteUnits: 0,
});

const capacity = (consumed: ConsumedCapacity | readonly ConsumedCapacity[] | undefined): number => {
  if (consumed === undefined) return 0;
  const all: readonly ConsumedCapacity[] = Array.isArray(consumed)
    ? consumed
    : [consumed as ConsumedCapacity];
  return all.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
};

/** Called with each item a `PutItem` wrote (after DynamoDB accepted it). */
export type PutObserver = (tableName: string, item: Readonly<Record<string, AttributeValue>>) => void;

/**
 * Counts the DynamoDB requests a client makes, by operation, with the capacity each response reports,
 * through an SDK middleware (so the code under measure is untouched). `take()` returns the counts since
 * the last `take()`: call it around one invocation.
 *
 * @example
 * const counter = new RequestCounter(client, (table, item) => tracker.observe(table, item));
 * await processor.process(event, context);
 * const counts = counter.take();
 */
export class RequestCounter {
  private counts: RequestCounts = zero();

  public constructor(client: DynamoDBClient, onPut?: PutObserver) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? '';
        const counts = this.counts;
        const letter =
          name === 'PutItemCommand' && isDeadLetter(args.input as { Item?: Record<string, AttributeValue> });
        if (letter) counts.deadLetterPut += 1;
        else if (name === 'PutItemCommand') counts.putItem += 1;
        else if (name === 'BatchGetItemCommand') counts.batchGetItem += 1;
        else if (name === 'GetItemCommand') counts.getItem += 1;
        else counts.other += 1;
        const result = await next(args);
        const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
        const units = capacity(output.ConsumedCapacity);
        if (letter) counts.deadLetterWriteUnits += units;
        else if (name === 'PutItemCommand') {
          counts.putWriteUnits += units;
          const input = args.input as { TableName?: string; Item?: Record<string, AttributeValue> };
          if (input.Item?.pk?.S?.includes('#') === true) counts.putItemWritten += 1;
          if (onPut !== undefined && input.Item !== undefined) onPut(input.TableName ?? '', input.Item);
        } else if (name === 'BatchGetItemCommand' || name === 'GetItemCommand') counts.readUnits += units;
        return result;
      },
      { step: 'initialize', name: 'streamfoldBenchRequestCounter' },
    );
  }

  /** The counts since the previous call, and a fresh start. */
  public take(): RequestCounts {
    const counts = this.counts;
    this.counts = zero();
    return counts;
  }
}
