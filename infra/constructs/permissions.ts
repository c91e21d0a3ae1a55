import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { OPEN_WINDOWS_INDEX } from '../../shared/storage/attributes.ts';

/**
 * The exact actions each function needs, and nothing else. Kept as data so that the tests assert them and
 * a reader sees the whole access surface in one place.
 */
export const ACTIONS = {
  /** What the event source mapping calls with the function's role to poll the stream. */
  readStream: [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
  ],
  /** `ResultsWriter`: consistent BatchGetItem, GetItem on a conflict, conditional PutItem. */
  writeResults: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  /** `DeadLetterWriter`: idempotent puts, conditioned on the letter not being replayed (no BatchWriteItem). */
  writeDeadLetters: ['dynamodb:PutItem'],
  /** The event source mapping's on-failure destination. */
  sendFailure: ['sqs:SendMessage'],
  /** `finalizeWindows`: Query on the open-windows index. */
  queryOpenWindows: ['dynamodb:Query'],
  /** `finalizeWindows`: conditional UpdateItem of one item. */
  finalizeWindow: ['dynamodb:UpdateItem'],
  /**
   * Kinesis and DynamoDB decrypt the stream's data keys and the tables' keys with the caller's
   * permission; nothing is encrypted by the functions themselves.
   */
  decrypt: ['kms:Decrypt'],
  /** Writing to the function's own log group (no `logs:CreateLogGroup`: the construct creates it). */
  writeLogs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
} as const;

const statement = (sid: string, actions: readonly string[], resources: readonly string[]): PolicyStatement =>
  new PolicyStatement({ sid, actions: [...actions], resources: [...resources] });

const decryptStatement = (keys: readonly (IKey | undefined)[]): PolicyStatement[] => {
  const arns = [...new Set(keys.filter((key): key is IKey => key !== undefined).map((key) => key.keyArn))];
  return arns.length === 0 ? [] : [statement('DecryptData', ACTIONS.decrypt, arns)];
};

/** What the aggregate function touches. */
export interface AggregateAccess {
  readonly stream: IStream;
  readonly resultsTable: ITable;
  readonly deadLetterTable: ITable;
  readonly tableKey: IKey;
  readonly failureQueue: IQueue;
  readonly logGroup: ILogGroup;
}

/**
 * The aggregate function's statements: read its stream (and decrypt it), read and conditionally put result
 * items, batch-write dead letters, send to its on-failure queue, write its logs.
 *
 * @example
 * new Role(this, 'Role', { assumedBy, inlinePolicies: { access: new PolicyDocument({ statements: aggregateStatements(access) }) } });
 */
export const aggregateStatements = (access: AggregateAccess): PolicyStatement[] => [
  statement('ReadStream', ACTIONS.readStream, [access.stream.streamArn]),
  statement('ReadAndWriteResults', ACTIONS.writeResults, [access.resultsTable.tableArn]),
  statement('WriteDeadLetters', ACTIONS.writeDeadLetters, [access.deadLetterTable.tableArn]),
  ...decryptStatement([access.stream.encryptionKey, access.tableKey]),
  statement('SendBatchFailures', ACTIONS.sendFailure, [access.failureQueue.queueArn]),
  statement('WriteLogs', ACTIONS.writeLogs, [access.logGroup.logGroupArn]),
];

/** What the finalizer touches. */
export interface FinalizerAccess {
  readonly resultsTable: ITable;
  readonly tableKey: IKey;
  readonly logGroup: ILogGroup;
}

/**
 * The finalizer's statements: Query the `open-windows` index and UpdateItem on the results table, nothing
 * on the stream or the dead letters.
 *
 * @example
 * const statements = finalizerStatements({ resultsTable, tableKey, logGroup });
 */
export const finalizerStatements = (access: FinalizerAccess): PolicyStatement[] => [
  statement('QueryOpenWindows', ACTIONS.queryOpenWindows, [
    `${access.resultsTable.tableArn}/index/${OPEN_WINDOWS_INDEX}`,
  ]),
  statement('FinalizeWindows', ACTIONS.finalizeWindow, [access.resultsTable.tableArn]),
  statement('DecryptTables', ACTIONS.decrypt, [access.tableKey.keyArn]),
  statement('WriteLogs', ACTIONS.writeLogs, [access.logGroup.logGroupArn]),
];
