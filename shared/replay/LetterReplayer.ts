import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { StoredLetter } from '../deadletters/types.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { type AggregateState, emptyAggregate, mergeAggregate } from '../fold/aggregateCodec.ts';
import { BatchFolder } from '../fold/BatchFolder.ts';
import type { WindowAggregate } from '../fold/types.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { StorageError } from '../storage/errors.ts';
import { itemSizeBytes, MAX_ITEM_BYTES } from '../storage/itemSize.ts';
import { mapLimit } from '../storage/mapLimit.ts';
import { buildResultItem, type ResultKey, readStoredAggregate, resultKey } from '../storage/resultItem.ts';
import { withRetry } from '../storage/retry.ts';
import { readShardRange } from '../stream/readShardRange.ts';
import { letterSelects, letterSource, letterWindows } from './letterSource.ts';
import type { ReplayLock } from './ReplayLock.ts';
import { LETTER_VERDICTS, type LetterOutcome, type LetterVerdict, type ReplayReport } from './types.ts';

/** Options of {@link LetterReplayer}. */
export interface LetterReplayerOptions {
  /** The pipeline's current definition: the letters are folded with it. */
  readonly definition: PipelineDefinition;
  readonly client: DynamoDBClient;
  readonly resultsTable: string;
  readonly deadLetterTable: string;
  /**
   * Reads back payloads over the 300 KB excerpt limit (by shard and sequence number) while the stream
   * retains them.
   * @default - such letters are unrecoverable
   */
  readonly kinesis?: { readonly client: KinesisClient; readonly streamName: string };
  /**
   * Fold late records (and records that are late now) into their windows, amending closed windows.
   * @default false
   */
  readonly includeLate?: boolean;
  /**
   * Fold and report only: nothing is written, nothing is marked.
   * @default false
   */
  readonly dryRun?: boolean;
  /** Held while writing (not needed for a dry run); renewed once per chunk. */
  readonly lock?: ReplayLock;
  /**
   * Letters folded and written together (their contributions to one item are one write).
   * @default 50
   */
  readonly chunkSize?: number;
  /**
   * Item writes in flight at once.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Outcomes kept for the report.
   * @default 50
   */
  readonly keepOutcomes?: number;
  /** Called after each chunk with the report so far (progress). */
  readonly onProgress?: (report: ReplayReport) => void;
  /**
   * Stops the replay between chunks (Ctrl-C): what was started is finished, nothing more is read.
   * @default - runs to the end
   */
  readonly signal?: AbortSignal;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A letter folded with the current definition. */
interface Prepared {
  readonly letter: StoredLetter;
  readonly verdict: LetterVerdict;
  readonly detail: string;
  readonly aggregates: readonly WindowAggregate[];
}

/** The contributions of a chunk's letters to one results item. */
interface ItemTarget {
  readonly key: ResultKey;
  readonly aggregate: WindowAggregate;
  readonly contributions: { readonly sk: string; readonly aggregate: WindowAggregate }[];
}

type ItemResult = 'written' | 'held';

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

const itemId = (key: ResultKey): string => JSON.stringify([key.pk, key.sk]);

const MAX_CONFLICTS = 8;
const CALL_DEADLINE_MS = 30_000;

/**
 * Replays dead letters exactly once (docs/adr/0003-dead-letter-replay.md). Per chunk of letters:
 *
 * 1. fold each letter's payload (read back from the stream when it was too large to keep) with the
 *    current definition: only the line or user record the letter stands for, only into the windows it
 *    missed (late and item-too-large letters); sort them into folds / filtered / still rejected / late;
 * 2. per results item, one write merging the contributions of letters the item's `replayed` set does not
 *    name yet and adding their keys to that set, conditioned on the item's version (as the handler's);
 * 3. mark each letter whose items all hold it: `replayedAt`, conditioned on not being marked yet, with the
 *    items still naming it in `replayPending`;
 * 4. remove the letters' keys from the items' sets, then `replayPending` from the letters.
 *
 * A rerun after an interruption anywhere skips marked letters, skips items that hold a letter already,
 * and finishes step 4 for marked letters that still have `replayPending`.
 *
 * @example
 * const replayer = new LetterReplayer({ definition, client, resultsTable, deadLetterTable, lock });
 * const report = await replayer.run(queryLetters({ client, tableName: deadLetterTable, pipeline: definition.name, withPayload: true }));
 */
export class LetterReplayer {
  private readonly folder: BatchFolder;
  private readonly now: () => number;
  private readonly verdicts: Record<LetterVerdict, number>;
  private readonly outcomes: LetterOutcome[] = [];
  private readonly amended = new Set<string>();
  private readonly stillRejected: Record<string, number> = {};
  private readonly errors: string[] = [];
  private considered = 0;
  private marked = 0;
  private itemsWritten = 0;
  private itemsAlreadyHeld = 0;
  private failed = 0;

  public constructor(private readonly options: LetterReplayerOptions) {
    this.folder = new BatchFolder(options.definition);
    this.now = options.now ?? Date.now;
    this.verdicts = Object.fromEntries(LETTER_VERDICTS.map((v) => [v, 0])) as Record<LetterVerdict, number>;
  }

  /** Replays the letters (any order), chunk by chunk, and reports. */
  public async run(letters: AsyncIterable<StoredLetter>): Promise<ReplayReport> {
    const size = this.options.chunkSize ?? 50;
    let chunk: StoredLetter[] = [];
    for await (const letter of letters) {
      if (this.options.signal?.aborted === true) break;
      chunk.push(letter);
      if (chunk.length >= size) {
        await this.replayChunk(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0 && this.options.signal?.aborted !== true) await this.replayChunk(chunk);
    return this.report();
  }

  /** The report so far. */
  public report(): ReplayReport {
    return {
      dryRun: this.options.dryRun === true,
      interrupted: this.options.signal?.aborted === true,
      includeLate: this.options.includeLate === true,
      considered: this.considered,
      verdicts: { ...this.verdicts },
      marked: this.marked,
      itemsWritten: this.itemsWritten,
      itemsAlreadyHeld: this.itemsAlreadyHeld,
      amendedWindows: [...this.amended].sort(),
      stillRejected: { ...this.stillRejected },
      failed: this.failed,
      errors: [...this.errors],
      outcomes: [...this.outcomes],
    };
  }

  private async replayChunk(letters: readonly StoredLetter[]): Promise<void> {
    const dryRun = this.options.dryRun === true;
    if (!dryRun) await this.options.lock?.renew();
    const prepared: Prepared[] = [];
    for (const letter of letters) prepared.push(await this.prepare(letter));
    for (const p of prepared) this.record(p);
    if (dryRun) {
      this.options.onProgress?.(this.report());
      return;
    }
    // Marked letters whose items may still name them: finish their clean-up.
    const pendingCleanup = prepared.filter(
      (p) => p.verdict === 'already-replayed' && (p.letter.replayPending?.length ?? 0) > 0,
    );
    await this.cleanUp(
      pendingCleanup.map((p) => ({ sk: p.letter.sk, pk: p.letter.pk, items: p.letter.replayPending ?? [] })),
    );

    const folding = prepared.filter((p) => p.verdict === 'folds');
    const targets = new Map<string, ItemTarget>();
    for (const p of folding) {
      for (const aggregate of p.aggregates) {
        const key = resultKey(this.options.definition.name, aggregate.groupKey, aggregate.windowStartMs);
        const id = itemId(key);
        const target = targets.get(id) ?? { key, aggregate, contributions: [] };
        target.contributions.push({ sk: p.letter.sk, aggregate });
        targets.set(id, target);
      }
    }
    const list = [...targets.values()];
    const settled = await mapLimit(list, this.options.concurrency ?? 8, (target) => this.writeItem(target));
    const failedLetters = new Set<string>();
    settled.forEach((result, i) => {
      const target = list[i] as ItemTarget;
      if (result.status === 'fulfilled') {
        if (result.value === 'written') this.itemsWritten += 1;
        else this.itemsAlreadyHeld += 1;
        return;
      }
      this.errors.push(`${target.key.pk} / ${target.key.sk}: ${(result.reason as Error).message}`);
      for (const c of target.contributions) failedLetters.add(c.sk);
    });
    const toMark: { pk: string; sk: string; outcome: string; items: string[] }[] = [];
    for (const p of prepared) {
      if (p.verdict !== 'folds' && p.verdict !== 'filtered') continue;
      if (failedLetters.has(p.letter.sk)) {
        this.failed += 1;
        continue;
      }
      const items = p.aggregates.map((a) =>
        itemId(resultKey(this.options.definition.name, a.groupKey, a.windowStartMs)),
      );
      toMark.push({
        pk: p.letter.pk,
        sk: p.letter.sk,
        outcome: p.verdict === 'folds' ? 'folded' : 'filtered',
        items,
      });
    }
    const marked = await mapLimit(toMark, this.options.concurrency ?? 8, (m) => this.mark(m));
    const cleanups: { pk: string; sk: string; items: readonly string[] }[] = [];
    marked.forEach((result, i) => {
      const m = toMark[i] as (typeof toMark)[number];
      if (result.status === 'fulfilled') {
        if (result.value) this.marked += 1;
        if (m.items.length > 0) cleanups.push(m);
      } else {
        this.failed += 1;
        this.errors.push(`marking letter ${m.sk}: ${(result.reason as Error).message}`);
      }
    });
    await this.cleanUp(cleanups);
    this.options.onProgress?.(this.report());
  }

  private record(p: Prepared): void {
    this.considered += 1;
    this.verdicts[p.verdict] += 1;
    if (p.verdict === 'rejected') {
      const reason = p.detail.split(':')[0] ?? p.detail;
      this.stillRejected[reason] = (this.stillRejected[reason] ?? 0) + 1;
    }
    if (p.verdict === 'folds' && this.options.dryRun !== true) {
      const { window, flushEveryMs } = this.options.definition;
      for (const a of p.aggregates) {
        if (a.windowEndMs + window.allowedLatenessMs + flushEveryMs < this.now())
          this.amended.add(new Date(a.windowStartMs).toISOString());
      }
    }
    if (this.outcomes.length < (this.options.keepOutcomes ?? 50)) {
      this.outcomes.push({
        sk: p.letter.sk,
        reason: p.letter.reason,
        verdict: p.verdict,
        detail: p.detail,
        windows: [...new Set(p.aggregates.map((a) => new Date(a.windowStartMs).toISOString()))].sort(),
      });
    }
  }

  /** Folds one letter with the current definition. */
  private async prepare(letter: StoredLetter): Promise<Prepared> {
    const none = (verdict: LetterVerdict, detail: string): Prepared => ({
      letter,
      verdict,
      detail,
      aggregates: [],
    });
    if (letter.replayedAt !== undefined) return none('already-replayed', `replayed at ${letter.replayedAt}`);
    const payload = await this.payloadOf(letter);
    if (typeof payload === 'string') return none('unrecoverable', payload);
    const batch = this.folder.fold([letterSource(letter, payload)], {
      select: letterSelects(letter),
      ignoreLateness: this.options.includeLate === true,
    });
    const rejection = batch.rejections[0];
    if (rejection !== undefined) return none('rejected', `${rejection.reason}: ${rejection.message}`);
    const late = batch.late[0];
    if (late !== undefined) {
      return none(
        'late',
        `late for window(s) ${late.windows.map((w) => new Date(w.startMs).toISOString()).join(', ')} (add --include-late to fold it)`,
      );
    }
    const allowed = letterWindows(letter);
    const aggregates = [...batch.aggregates.values()].filter(
      (a) => allowed === undefined || allowed.has(new Date(a.windowStartMs).toISOString()),
    );
    if (aggregates.length > 0) return { letter, verdict: 'folds', detail: '', aggregates };
    if (batch.stats.filtered > 0 && batch.stats.folded === 0)
      return none('filtered', 'the pipeline’s filter drops it now');
    if (batch.stats.in === 0) {
      return none(
        'unrecoverable',
        `the payload has no record at ${letter.subIndex !== undefined ? `user record ${letter.subIndex} ` : ''}${letter.line !== undefined ? `line ${letter.line}` : ''} any more`,
      );
    }
    return none(
      'unrecoverable',
      `it no longer belongs to the window(s) it missed (${[...(allowed ?? [])].join(', ')}); has the window changed?`,
    );
  }

  /** The letter's payload, or why it cannot be had. */
  private async payloadOf(letter: StoredLetter): Promise<Uint8Array | string> {
    if (letter.payload !== undefined) {
      if (letter.payload.length === 0 && letter.reason === 'item-too-large') {
        return 'a buffered contribution (no single payload): re-read its sequence range from the stream';
      }
      return letter.payload;
    }
    if (letter.payloadBytes === undefined) return 'the letter holds no payload (read without payloads?)';
    const kinesis = this.options.kinesis;
    if (kinesis === undefined) {
      return `its ${letter.payloadBytes}-byte payload was too large to keep in the letter; give the stream's endpoint to read it back`;
    }
    const range = await readShardRange({
      client: kinesis.client,
      streamName: kinesis.streamName,
      shardId: letter.shardId,
      startSequence: letter.sequenceNumber,
      endSequence: letter.sequenceNumber,
    });
    const record = range.retained ? range.records[0] : undefined;
    if (record?.Data === undefined) {
      return `its ${letter.payloadBytes}-byte payload is no longer in stream ${kinesis.streamName} (${range.retained ? 'not found' : range.reason})`;
    }
    return record.Data;
  }

  /** Adds the contributions the item does not hold yet, and their letters' keys, in one conditional write. */
  private async writeItem(target: ItemTarget): Promise<ItemResult> {
    const { definition, client, resultsTable } = this.options;
    for (let conflicts = 0; ; conflicts++) {
      const read = await withRetry(
        (abortSignal) =>
          client.send(
            new GetItemCommand({
              TableName: resultsTable,
              Key: { [A.pk]: { S: target.key.pk }, [A.sk]: { S: target.key.sk } },
              ConsistentRead: true,
              ProjectionExpression: '#state, #version, #applied, #replayed, #pk, #sk',
              ExpressionAttributeNames: {
                '#state': A.state,
                '#version': A.version,
                '#applied': A.applied,
                '#replayed': A.replayed,
                '#pk': A.pk,
                '#sk': A.sk,
              },
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
      );
      const stored = read.Item ? readStoredAggregate(definition, read.Item) : undefined;
      const held = new Set(stored?.replayed ?? []);
      const fresh = target.contributions.filter((c) => !held.has(c.sk));
      if (fresh.length === 0) return 'held';
      // Decoded just now (or new): ours to mutate; the letters' aggregates stay untouched for a retry.
      const aggregate: AggregateState = stored?.aggregate ?? emptyAggregate(definition);
      for (const c of fresh) mergeAggregate(definition, aggregate, c.aggregate);
      const item = buildResultItem(definition, {
        groupKey: target.aggregate.groupKey,
        group: target.aggregate.group,
        windowStartMs: target.aggregate.windowStartMs,
        aggregate,
        applied: stored?.applied ?? {},
        version: (stored?.version ?? 0) + 1,
        nowMs: this.now(),
        replayed: [...held, ...fresh.map((c) => c.sk)],
      });
      const sizeBytes = itemSizeBytes(item);
      if (sizeBytes > MAX_ITEM_BYTES) {
        throw new StorageError(
          `replaying ${fresh.length} letter(s) would make the item ${sizeBytes} bytes, over DynamoDB's 400 KB`,
        );
      }
      try {
        await withRetry(
          (abortSignal) =>
            client.send(
              new PutItemCommand({
                TableName: resultsTable,
                Item: item,
                ...(stored
                  ? {
                      ConditionExpression: '#version = :version',
                      ExpressionAttributeNames: { '#version': A.version },
                      ExpressionAttributeValues: { ':version': { N: String(stored.version) } },
                    }
                  : {
                      ConditionExpression: 'attribute_not_exists(#pk)',
                      ExpressionAttributeNames: { '#pk': A.pk },
                    }),
              }),
              { abortSignal },
            ),
          { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
        );
        return 'written';
      } catch (error) {
        if (!isConditionFailure(error) || conflicts >= MAX_CONFLICTS) throw error;
      }
    }
  }

  /** Marks a letter replayed; false when another run had marked it. */
  private async mark(m: {
    pk: string;
    sk: string;
    outcome: string;
    items: readonly string[];
  }): Promise<boolean> {
    const values: Record<string, AttributeValue> = {
      ':now': { S: new Date(this.now()).toISOString() },
      ':outcome': { S: m.outcome },
    };
    if (m.items.length > 0) values[':items'] = { SS: [...new Set(m.items)] };
    try {
      await withRetry(
        (abortSignal) =>
          this.options.client.send(
            new UpdateItemCommand({
              TableName: this.options.deadLetterTable,
              Key: { pk: { S: m.pk }, sk: { S: m.sk } },
              UpdateExpression: `SET replayedAt = :now, replayOutcome = :outcome${m.items.length > 0 ? ', replayPending = :items' : ''}`,
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(replayedAt)',
              ExpressionAttributeValues: values,
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Removes marked letters' keys from their items' `replayed` sets, then `replayPending` from the letters. */
  private async cleanUp(
    letters: readonly { pk: string; sk: string; items: readonly string[] }[],
  ): Promise<void> {
    if (letters.length === 0) return;
    const byItem = new Map<string, Set<string>>();
    for (const letter of letters) {
      for (const id of letter.items) {
        const keys = byItem.get(id) ?? new Set<string>();
        keys.add(letter.sk);
        byItem.set(id, keys);
      }
    }
    const items = [...byItem.entries()];
    const settled = await mapLimit(items, this.options.concurrency ?? 8, async ([id, keys]) => {
      const [pk, sk] = JSON.parse(id) as [string, string];
      try {
        await withRetry(
          (abortSignal) =>
            this.options.client.send(
              new UpdateItemCommand({
                TableName: this.options.resultsTable,
                Key: { [A.pk]: { S: pk }, [A.sk]: { S: sk } },
                // The version moves too, so a handler write that read the set before this fails its condition.
                UpdateExpression: 'DELETE #replayed :keys ADD #version :one',
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: { '#replayed': A.replayed, '#version': A.version, '#pk': A.pk },
                ExpressionAttributeValues: { ':keys': { SS: [...keys] }, ':one': { N: '1' } },
              }),
              { abortSignal },
            ),
          { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      return keys;
    });
    const unclean = new Set<string>();
    settled.forEach((result, i) => {
      if (result.status === 'rejected') {
        const [, keys] = items[i] as [string, Set<string>];
        for (const key of keys) unclean.add(key);
        this.errors.push(`cleaning up ${items[i]?.[0]}: ${(result.reason as Error).message}`);
      }
    });
    const done = letters.filter((l) => !unclean.has(l.sk));
    const removed = await mapLimit(done, this.options.concurrency ?? 8, (letter) =>
      withRetry(
        (abortSignal) =>
          this.options.client.send(
            new UpdateItemCommand({
              TableName: this.options.deadLetterTable,
              Key: { pk: { S: letter.pk }, sk: { S: letter.sk } },
              UpdateExpression: 'REMOVE replayPending',
              ConditionExpression: 'attribute_exists(pk)',
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
      ),
    );
    removed.forEach((result, i) => {
      if (result.status === 'rejected')
        this.errors.push(`cleaning up letter ${done[i]?.sk}: ${(result.reason as Error).message}`);
    });
  }
}
