import {
  type AttributeValue,
  DescribeTableCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../definition/types.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { withRetry } from '../storage/retry.ts';
import { DEFAULT_QUERY_TIMEOUT_MS } from './constants.ts';
import type { ReportedTableSize } from './errors.ts';
import { readQueryResult } from './readQueryResult.ts';
import { translateAwsError } from './translateAwsError.ts';
import type { QueryResult, ResultsTableTarget } from './types.ts';

type Item = Record<string, AttributeValue>;

/** A key condition or filter with its placeholders. */
export interface Expression {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, AttributeValue>>;
}

/**
 * Reads a pipeline's results table: paged Query and Scan with retries, a projection of the readable
 * attributes only (never the binary state), errors translated ({@link translateAwsError}), and a count of
 * the requests made, so callers can report what a query cost. One reader serves one operation: its
 * deadline starts when it is created, and its first failed request fails every later one.
 *
 * @example
 * const reader = new ResultsTableReader({ client, tableName, definition });
 * const results = await reader.query({ expression: '#pk = :pk', names: { '#pk': 'pk' }, values: { ':pk': { S: 'ohlc#ACME' } } });
 */
export class ResultsTableReader {
  /** DynamoDB requests sent so far (pages and retries included). */
  public requests = 0;
  /** Read capacity units DynamoDB reported for the requests of {@link ResultsTableReader.items} (`ReturnConsumedCapacity`). */
  public readUnits = 0;
  public readonly definition: PipelineDefinition;
  private readonly deadlineMs: number;
  private readonly projection: Expression;
  /**
   * The first request that failed (after its retries) fails the whole operation, so later requests fail
   * at once with the same error instead of each waiting out its own retries: a dead or hung endpoint
   * costs one request's retries, not one per window queried.
   */
  private failure: { readonly error: unknown } | undefined;

  public constructor(private readonly target: ResultsTableTarget) {
    this.definition = target.definition;
    this.deadlineMs = Date.now() + (target.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS);
    const attributes = [
      A.group,
      A.windowStart,
      A.windowEnd,
      A.status,
      A.records,
      A.updatedAt,
      ...target.definition.metricNames,
    ];
    const names: Record<string, string> = {};
    attributes.forEach((name, i) => {
      names[`#p${i}`] = name;
    });
    this.projection = { expression: Object.keys(names).join(', '), names, values: {} };
  }

  /** The table read. */
  public get tableName(): string {
    return this.target.tableName;
  }

  /**
   * Every result matching a key condition, all pages, or the first `limit` when given.
   *
   * @example
   * await reader.query(condition, { indexName: 'rank-requests', descending: true, limit: 10 });
   */
  public async query(
    condition: Expression,
    options: { readonly indexName?: string; readonly descending?: boolean; readonly limit?: number } = {},
  ): Promise<QueryResult[]> {
    const results: QueryResult[] = [];
    let start: Item | undefined;
    do {
      const remaining = options.limit === undefined ? undefined : options.limit - results.length;
      const input: QueryCommandInput = {
        TableName: this.target.tableName,
        ...(options.indexName !== undefined ? { IndexName: options.indexName } : {}),
        KeyConditionExpression: condition.expression,
        ProjectionExpression: this.projection.expression,
        ExpressionAttributeNames: { ...condition.names, ...this.projection.names },
        ExpressionAttributeValues: { ...condition.values },
        ...(options.descending === true ? { ScanIndexForward: false } : {}),
        ...(remaining !== undefined ? { Limit: remaining } : {}),
        ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
      };
      const page = await this.send(
        (abortSignal) => this.target.client.send(new QueryCommand(input), { abortSignal }),
        options.indexName,
      );
      for (const item of page.Items ?? []) results.push(readQueryResult(this.definition, item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && (options.limit === undefined || results.length < options.limit));
    return results;
  }

  /**
   * Every raw item matching a key condition (a Query, all pages) or, without `keyCondition`, a filter (a
   * Scan of the whole table, all pages), with the given attributes only — the binary `state` included when
   * asked for. Adds the read units DynamoDB reports to {@link ResultsTableReader.readUnits}.
   *
   * @example
   * const items = await reader.items({ keyCondition, attributes: ['groupKey', 'windowStart', 'state'], consistentRead: true });
   */
  public async items(request: {
    readonly keyCondition?: Expression;
    readonly filter?: Expression;
    readonly attributes: readonly string[];
    readonly indexName?: string;
    readonly consistentRead?: boolean;
  }): Promise<Item[]> {
    const projection: Record<string, string> = {};
    request.attributes.forEach((name, i) => {
      projection[`#a${i}`] = name;
    });
    const names = { ...request.keyCondition?.names, ...request.filter?.names, ...projection };
    const values = { ...request.keyCondition?.values, ...request.filter?.values };
    const common = {
      TableName: this.target.tableName,
      ...(request.indexName !== undefined ? { IndexName: request.indexName } : {}),
      ...(request.filter !== undefined ? { FilterExpression: request.filter.expression } : {}),
      ProjectionExpression: Object.keys(projection).join(', '),
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      ...(request.consistentRead === true ? { ConsistentRead: true } : {}),
      ReturnConsumedCapacity: 'TOTAL' as const,
    };
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const exclusive = start !== undefined ? { ExclusiveStartKey: start } : {};
      const keyCondition = request.keyCondition;
      const page =
        keyCondition !== undefined
          ? await this.send(
              (abortSignal) =>
                this.target.client.send(
                  new QueryCommand({
                    ...common,
                    KeyConditionExpression: keyCondition.expression,
                    ...exclusive,
                  }),
                  { abortSignal },
                ),
              request.indexName,
            )
          : await this.send((abortSignal) =>
              this.target.client.send(new ScanCommand({ ...common, ...exclusive }), { abortSignal }),
            );
      this.readUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /**
   * Whether a key condition matches at least one item (one request of `Limit: 1`).
   *
   * @example
   * await reader.exists(windowCondition, 'rank-requests');
   */
  public async exists(condition: Expression, indexName?: string): Promise<boolean> {
    const page = await this.send(
      (abortSignal) =>
        this.target.client.send(
          new QueryCommand({
            TableName: this.target.tableName,
            ...(indexName !== undefined ? { IndexName: indexName } : {}),
            KeyConditionExpression: condition.expression,
            ExpressionAttributeNames: { ...condition.names },
            ExpressionAttributeValues: { ...condition.values },
            Select: 'COUNT',
            Limit: 1,
          }),
          { abortSignal },
        ),
      indexName,
    );
    return (page.Count ?? 0) > 0;
  }

  /**
   * Every result of the table matching a filter: a Scan, which reads (and is billed for) the whole table.
   *
   * @example
   * await reader.scan(filter);
   */
  public async scan(filter: Expression): Promise<QueryResult[]> {
    const results: QueryResult[] = [];
    let start: Item | undefined;
    do {
      const input: ScanCommandInput = {
        TableName: this.target.tableName,
        FilterExpression: filter.expression,
        ProjectionExpression: this.projection.expression,
        ExpressionAttributeNames: { ...filter.names, ...this.projection.names },
        ExpressionAttributeValues: { ...filter.values },
        ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
      };
      const page = await this.send((abortSignal) =>
        this.target.client.send(new ScanCommand(input), { abortSignal }),
      );
      for (const item of page.Items ?? []) results.push(readQueryResult(this.definition, item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return results;
  }

  /**
   * The table's size and item count as DynamoDB last reported them (one DescribeTable, no read units). AWS
   * updates them about every six hours, so a table written since may be larger; `undefined` when the
   * answer has none.
   *
   * @example
   * const size = await reader.tableSize(); // { sizeBytes: 1_234_567, itemCount: 1_520 }
   */
  public async tableSize(): Promise<ReportedTableSize | undefined> {
    const { Table } = await this.send((abortSignal) =>
      this.target.client.send(new DescribeTableCommand({ TableName: this.target.tableName }), {
        abortSignal,
      }),
    );
    if (Table?.TableSizeBytes === undefined || Table.ItemCount === undefined) return undefined;
    return { sizeBytes: Table.TableSizeBytes, itemCount: Table.ItemCount };
  }

  private async send<T>(operation: (abortSignal: AbortSignal) => Promise<T>, indexName?: string): Promise<T> {
    if (this.failure !== undefined) throw this.failure.error;
    try {
      return await withRetry(
        (abortSignal) => {
          this.requests += 1;
          return operation(abortSignal);
        },
        { maxAttempts: 3, maxDelayMs: 1_000, ...this.target.retry, deadlineMs: this.deadlineMs },
      );
    } catch (error) {
      const translated = translateAwsError(error, this.target.tableName, indexName);
      this.failure ??= { error: translated };
      throw translated;
    }
  }
}
