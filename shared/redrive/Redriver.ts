import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { _Record, KinesisClient } from '@aws-sdk/client-kinesis';
import { queryLetters } from '../deadletters/queryLetters.ts';
import type { StoredLetter } from '../deadletters/types.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { BatchFolder } from '../fold/BatchFolder.ts';
import { BatchProcessor } from '../handler/BatchProcessor.ts';
import { toKinesisStreamRecord } from '../handler/toKinesisStreamRecord.ts';
import { toSourceRecord } from '../handler/toSourceRecord.ts';
import type { RecordOrigin } from '../record/types.ts';
import { letterSelects } from '../replay/letterSource.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { mapLimit } from '../storage/mapLimit.ts';
import { resultKey } from '../storage/resultItem.ts';
import { withRetry } from '../storage/retry.ts';
import { compareSequence } from '../storage/sequence.ts';
import { readShardRange } from '../stream/readShardRange.ts';
import type { FailedRange, FailureMessage, FailureQueue, UnreadableMessage } from './types.ts';

/** Options of {@link Redriver}. */
export interface RedriverOptions {
  readonly definition: PipelineDefinition;
  readonly dynamodb: DynamoDBClient;
  readonly kinesis: KinesisClient;
  readonly resultsTable: string;
  readonly deadLetterTable: string;
  readonly queue: FailureQueue;
  /**
   * Records per delivery (the event source mapping's batch size at most).
   * @default 500
   */
  readonly batchSize?: number;
  /**
   * Deliveries of one range that may fail in a row before the range is left in the queue.
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * Stops between messages (Ctrl-C): the range being delivered is finished, no other is started.
   * @default - runs until the queue is empty
   */
  readonly signal?: AbortSignal;
  /** Called after each message with the report so far (progress). */
  readonly onProgress?: (report: RedriveReport) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What happened to one message of the on-failure queue. */
export interface RangeOutcome {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly status: 'applied' | 'not-retained' | 'failed';
  readonly records: number;
  readonly folded: number;
  readonly rejected: number;
  readonly late: number;
  readonly itemsWritten: number;
  readonly itemsAlreadyApplied: number;
  /**
   * (group, window) items the range touches whose mark for the shard was already past the range's end
   * before redrive: later records were applied to them, so whether they hold this range cannot be told
   * from the mark, and redrive skips them (docs/adr/0003-dead-letter-replay.md, "Overtaken ranges").
   */
  readonly overtakenItems: number;
  /**
   * Records (lines, KPL user records) of the range that have a dead letter of a rejection: redrive leaves
   * them to `replay` (replayed already, or to be replayed), so that each is counted once
   * (docs/adr/0003-dead-letter-replay.md, "Redrive and dead letters").
   */
  readonly leftToReplay: number;
  readonly detail: string;
}

/** What a redrive did. */
export interface RedriveReport {
  readonly queue: string;
  /** Stopped early (Ctrl-C): the messages not reached are still in the queue. */
  readonly interrupted: boolean;
  readonly messages: number;
  readonly applied: number;
  readonly notRetained: number;
  readonly failed: number;
  readonly overtakenItems: number;
  /** Records left to replay, all ranges together (see {@link RangeOutcome.leftToReplay}). */
  readonly leftToReplay: number;
  readonly ranges: readonly RangeOutcome[];
}

/** A generous invocation budget: redrive runs outside Lambda, each delivery gets this long. */
const DELIVERY_BUDGET_MS = 120_000;

/**
 * Redrives the on-failure queue (docs/adr/0003-dead-letter-replay.md): for each message, reads the
 * shard range it names back from the stream, delivers it to the pipeline's own {@link BatchProcessor}
 * exactly as the event source mapping would (batches in sequence order, resuming from a reported failure;
 * the items' high-water marks make records already applied no-ops), and deletes the message only once
 * the whole range is applied. A range the stream no longer retains is reported and its message kept.
 *
 * @example
 * const report = await new Redriver({ definition, dynamodb, kinesis, resultsTable, deadLetterTable, queue }).run();
 */
export class Redriver {
  private readonly processor: BatchProcessor;
  private readonly folder: BatchFolder;
  private readonly now: () => number;

  public constructor(private readonly options: RedriverOptions) {
    this.now = options.now ?? Date.now;
    this.folder = new BatchFolder(options.definition);
    this.processor = new BatchProcessor({
      definition: options.definition,
      client: options.dynamodb,
      resultsTable: options.resultsTable,
      deadLetterTable: options.deadLetterTable,
      safetyMarginMs: 0,
      now: this.now,
    });
  }

  public async run(): Promise<RedriveReport> {
    const ranges: RangeOutcome[] = [];
    const report = (): RedriveReport => ({
      queue: this.options.queue.description,
      interrupted: this.options.signal?.aborted === true,
      messages: ranges.length,
      applied: ranges.filter((r) => r.status === 'applied').length,
      notRetained: ranges.filter((r) => r.status === 'not-retained').length,
      failed: ranges.filter((r) => r.status === 'failed').length,
      overtakenItems: ranges.reduce((sum, r) => sum + r.overtakenItems, 0),
      leftToReplay: ranges.reduce((sum, r) => sum + r.leftToReplay, 0),
      ranges: [...ranges],
    });
    while (!this.stopped()) {
      const messages = await this.options.queue.receive(10);
      if (messages.length === 0) break;
      for (const message of messages) {
        if (this.stopped()) break;
        const outcome = 'error' in message ? unreadable(message) : await this.redrive(message);
        if (outcome.status === 'applied' && !('error' in message)) await this.options.queue.delete(message);
        ranges.push(outcome);
        this.options.onProgress?.(report());
      }
    }
    return report();
  }

  private stopped(): boolean {
    return this.options.signal?.aborted === true;
  }

  private async redrive(message: FailureMessage): Promise<RangeOutcome> {
    const { range } = message;
    const base = {
      shardId: range.shardId,
      startSequenceNumber: range.startSequenceNumber,
      endSequenceNumber: range.endSequenceNumber,
    };
    const empty = NO_COUNTS;
    const streamName = range.streamArn.split(':stream/')[1] ?? this.options.definition.stream;
    let read: Awaited<ReturnType<typeof readShardRange>>;
    try {
      read = await readShardRange({
        client: this.options.kinesis,
        streamName,
        shardId: range.shardId,
        startSequence: range.startSequenceNumber,
        endSequence: range.endSequenceNumber,
      });
    } catch (error) {
      return { ...base, ...empty, status: 'failed', detail: (error as Error).message };
    }
    if (!read.retained) {
      return {
        ...base,
        ...empty,
        status: 'not-retained',
        detail: `stream ${streamName} no longer holds the range (${read.reason}); its records cannot be redriven`,
      };
    }
    const records = read.records;
    let owned: ((origin: RecordOrigin) => boolean) | undefined;
    let leftToReplay = 0;
    try {
      const letters = await this.replayLetters(range, records);
      leftToReplay = letters.length;
      owned = letters.length === 0 ? undefined : ownedBy(letters);
    } catch (error) {
      return {
        ...base,
        ...empty,
        status: 'failed',
        detail: `reading the range's dead letters failed: ${(error as Error).message}`,
      };
    }
    const select = owned === undefined ? {} : { select: (origin: RecordOrigin) => !owned(origin) };
    const overtakenItems = await this.overtaken(range, records, select);
    const context = {
      shardId: range.shardId,
      streamArn: range.streamArn,
      region: (await this.options.kinesis.config.region()) ?? 'us-east-1',
      invokeIdentityArn: 'streamfold-redrive',
    };
    const totals = { folded: 0, rejected: 0, late: 0, itemsWritten: 0, itemsAlreadyApplied: 0 };
    const size = this.options.batchSize ?? 500;
    let pending: readonly _Record[] = records;
    let failures = 0;
    while (pending.length > 0) {
      const batch = pending.slice(0, size);
      let failedSequence: string | undefined;
      try {
        const report = await this.processor.process(
          { Records: batch.map((r) => toKinesisStreamRecord(r, context)) },
          { getRemainingTimeInMillis: () => DELIVERY_BUDGET_MS },
          select,
        );
        totals.folded += report.folded;
        totals.rejected += report.rejected;
        totals.late += report.late;
        totals.itemsWritten += report.itemsWritten;
        totals.itemsAlreadyApplied += report.itemsAlreadyApplied;
        failedSequence = report.failedSequence;
      } catch (error) {
        failedSequence = batch[0]?.SequenceNumber;
        if (failures + 1 >= (this.options.maxAttempts ?? 5)) {
          return {
            ...base,
            ...totals,
            records: records.length,
            overtakenItems,
            leftToReplay,
            status: 'failed',
            detail: (error as Error).message,
          };
        }
      }
      if (failedSequence === undefined) {
        pending = pending.slice(batch.length);
        failures = 0;
        continue;
      }
      failures += 1;
      if (failures >= (this.options.maxAttempts ?? 5)) {
        return {
          ...base,
          ...totals,
          records: records.length,
          overtakenItems,
          leftToReplay,
          status: 'failed',
          detail: `the delivery kept failing at ${failedSequence} (${failures} attempts)`,
        };
      }
      // As Lambda does with ReportBatchItemFailures: resume at the failed record.
      const at = failedSequence;
      pending = pending.filter((r) => compareSequence(r.SequenceNumber ?? '', at) >= 0);
    }
    return {
      ...base,
      ...totals,
      records: records.length,
      overtakenItems,
      leftToReplay,
      status: 'applied',
      detail: '',
    };
  }

  /**
   * The dead letters of rejections among the range's records (any replay state), read by key: one Query
   * per arrival day over the records' arrival times. Late and `item-too-large` letters are not among them:
   * they stand for some windows of a record only, and its other windows are the range's to fold.
   */
  private async replayLetters(range: FailedRange, records: readonly _Record[]): Promise<StoredLetter[]> {
    const sequences = new Set(records.map((r) => r.SequenceNumber ?? ''));
    const arrivals = records.map((r) => r.ApproximateArrivalTimestamp?.getTime() ?? this.now());
    if (arrivals.length === 0) return [];
    const letters: StoredLetter[] = [];
    for await (const letter of queryLetters({
      client: this.options.dynamodb,
      tableName: this.options.deadLetterTable,
      pipeline: this.options.definition.name,
      // A second either side: the letters' arrival times went through the event's seconds.
      filter: { kind: 'rejected', fromMs: Math.min(...arrivals) - 1000, toMs: Math.max(...arrivals) + 1001 },
      now: this.now,
    })) {
      if (letter.shardId !== range.shardId || !sequences.has(letter.sequenceNumber)) continue;
      if (letter.reason === 'item-too-large') continue;
      letters.push(letter);
    }
    return letters;
  }

  /**
   * Items of the range whose mark for the shard is past the range's end already: records after the range
   * were applied to them, so the range's records are taken as held (they may not be).
   */
  private async overtaken(
    range: FailedRange,
    records: readonly _Record[],
    options: { readonly select?: (origin: RecordOrigin) => boolean },
  ): Promise<number> {
    const batch = this.folder.fold(
      records.map((r) =>
        toSourceRecord(
          toKinesisStreamRecord(r, {
            shardId: range.shardId,
            streamArn: range.streamArn,
            region: '',
            invokeIdentityArn: '',
          }),
        ),
      ),
      options,
    );
    const keys = [...batch.aggregates.values()].map((a) =>
      resultKey(this.options.definition.name, a.groupKey, a.windowStartMs),
    );
    const settled = await mapLimit(keys, 8, async (key) => {
      const response = await withRetry(
        (abortSignal) =>
          this.options.dynamodb.send(
            new GetItemCommand({
              TableName: this.options.resultsTable,
              Key: { [A.pk]: { S: key.pk }, [A.sk]: { S: key.sk } },
              ConsistentRead: true,
              ProjectionExpression: '#applied',
              ExpressionAttributeNames: { '#applied': A.applied },
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: this.now() + 30_000 },
      );
      const mark = response.Item?.[A.applied]?.M?.[range.shardId]?.S;
      return mark !== undefined && compareSequence(mark, range.endSequenceNumber) > 0;
    });
    return settled.filter((s) => s.status === 'fulfilled' && s.value).length;
  }
}

/** Whether a decoded record (or rejection) is one that one of `letters` stands for. */
const ownedBy = (letters: readonly StoredLetter[]): ((origin: RecordOrigin) => boolean) => {
  const bySequence = new Map<string, ((origin: RecordOrigin) => boolean)[]>();
  for (const letter of letters) {
    const list = bySequence.get(letter.sequenceNumber) ?? [];
    list.push(letterSelects(letter));
    bySequence.set(letter.sequenceNumber, list);
  }
  return (origin) => bySequence.get(origin.sequenceNumber)?.some((selects) => selects(origin)) === true;
};

/** A range's counts before anything of it was read. */
const NO_COUNTS = {
  records: 0,
  folded: 0,
  rejected: 0,
  late: 0,
  itemsWritten: 0,
  itemsAlreadyApplied: 0,
  overtakenItems: 0,
  leftToReplay: 0,
} as const;

/** The outcome of a message that is not an on-failure record: failed, kept in the queue, the run goes on. */
const unreadable = (message: UnreadableMessage): RangeOutcome => ({
  shardId: '?',
  startSequenceNumber: '?',
  endSequenceNumber: '?',
  status: 'failed',
  ...NO_COUNTS,
  detail: `not an on-failure record, left in the queue: ${message.error.message}`,
});
