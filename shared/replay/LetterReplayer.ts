import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { StoredLetter } from '../deadletters/types.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { BatchFolder } from '../fold/BatchFolder.ts';
import type { WindowAggregate } from '../fold/types.ts';
import { ItemTooLargeError } from '../storage/errors.ts';
import { mapLimit } from '../storage/mapLimit.ts';
import { resultKey } from '../storage/resultItem.ts';
import { readShardRange } from '../stream/readShardRange.ts';
import { ReplayLockedError } from './errors.ts';
import { letterSelects, letterSource, letterWindows } from './letterSource.ts';
import type { ReplayLock } from './ReplayLock.ts';
import { type ItemResult, type ItemTarget, itemId, ReplayStore } from './ReplayStore.ts';
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
  /**
   * Held while writing (not needed for a dry run): renewed before a chunk's item writes and before its
   * marks, and checked before every write ({@link ReplayLock.ensure}).
   */
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

/**
 * Replays dead letters exactly once (docs/adr/0003-dead-letter-replay.md). Per chunk of letters:
 *
 * 1. fold each letter's payload (read back from the stream when it was too large to keep) with the
 *    current definition: only the line or user record the letter stands for, only into the windows it
 *    missed (late and item-too-large letters); sort them into folds / filtered / still rejected / late;
 * 2. per results item, one write merging the contributions of letters the item's `replayed` set does not
 *    name yet and adding their keys to that set, conditioned on the item's version (as the handler's);
 *    a letter that would push an item past 400 KB stays rejected (`item-too-large`) and unmarked;
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
  private readonly store: ReplayStore;
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
    this.store = new ReplayStore({
      definition: options.definition,
      client: options.client,
      resultsTable: options.resultsTable,
      deadLetterTable: options.deadLetterTable,
      now: this.now,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      // The fence: no write unless the lock is ours for at least half its lease (renewed if need be).
      ...(options.lock !== undefined && options.dryRun !== true
        ? { beforeWrite: () => (options.lock as ReplayLock).ensure() }
        : {}),
    });
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
    if (dryRun) {
      for (const p of prepared) this.record(p);
      this.options.onProgress?.(this.report());
      return;
    }
    // Marked letters whose items may still name them: finish their clean-up.
    const pendingCleanup = prepared.filter(
      (p) => p.verdict === 'already-replayed' && (p.letter.replayPending?.length ?? 0) > 0,
    );
    this.errors.push(
      ...(await this.store.cleanUp(
        pendingCleanup.map((p) => ({
          sk: p.letter.sk,
          pk: p.letter.pk,
          items: p.letter.replayPending ?? [],
        })),
      )),
    );

    const { failedLetters, tooLarge } = await this.writeItems(prepared.filter((p) => p.verdict === 'folds'));
    // A letter that would push an item past 400 KB stays rejected, as the handler dead-letters it: unmarked,
    // reported; its other items (if any) name it in their `replayed` set, so a rerun skips them.
    const settled = prepared.map((p) => {
      const detail = failedLetters.has(p.letter.sk) ? undefined : tooLarge.get(p.letter.sk);
      return detail === undefined
        ? p
        : { letter: p.letter, verdict: 'rejected' as const, detail, aggregates: [] };
    });
    for (const p of settled) this.record(p, failedLetters.has(p.letter.sk));
    const toMark: { pk: string; sk: string; outcome: string; items: string[] }[] = [];
    for (const p of settled) {
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
    if (toMark.length > 0) await this.options.lock?.renew();
    const marked = await mapLimit(toMark, this.options.concurrency ?? 8, (m) => this.store.mark(m));
    throwLostLock(marked);
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
    this.errors.push(...(await this.store.cleanUp(cleanups)));
    this.options.onProgress?.(this.report());
  }

  /**
   * Writes the folding letters' contributions, one write per results item. An item that would exceed
   * 400 KB with all of its letters is tried again with each letter alone, so that one large letter does
   * not hold back the others. Returns the letters an item write failed for, and those that would make an
   * item too large (with the `item-too-large` detail to report).
   */
  private async writeItems(
    folding: readonly Prepared[],
  ): Promise<{ failedLetters: Set<string>; tooLarge: Map<string, string> }> {
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
    const failedLetters = new Set<string>();
    const tooLarge = new Map<string, string>();
    const list = [...targets.values()];
    if (list.length === 0) return { failedLetters, tooLarge };
    // Folding (and reading large payloads back) may have taken a while: renew before writing.
    await this.options.lock?.renew();
    const settled = await mapLimit(list, this.options.concurrency ?? 8, async (target) => {
      try {
        return [await this.store.writeItem(target)];
      } catch (error) {
        if (!(error instanceof ItemTooLargeError) || target.contributions.length === 1) throw error;
      }
      // One letter at a time, in order: those that still fit are written, the others stay rejected.
      const results: (ItemResult | ItemTooLargeError)[] = [];
      for (const c of target.contributions) {
        try {
          results.push(await this.store.writeItem({ ...target, contributions: [c] }));
        } catch (error) {
          if (!(error instanceof ItemTooLargeError)) throw error;
          tooLarge.set(c.sk, tooLargeDetail(target, error));
          results.push(error);
        }
      }
      return results;
    });
    throwLostLock(settled);
    throwMissingTable(settled);
    settled.forEach((result, i) => {
      const target = list[i] as ItemTarget;
      if (result.status === 'fulfilled') {
        // An item written one letter at a time counts once.
        if (result.value.includes('written')) this.itemsWritten += 1;
        else if (result.value.includes('held')) this.itemsAlreadyHeld += 1;
        return;
      }
      if (result.reason instanceof ItemTooLargeError) {
        for (const c of target.contributions) tooLarge.set(c.sk, tooLargeDetail(target, result.reason));
        return;
      }
      this.errors.push(`${target.key.pk} / ${target.key.sk}: ${(result.reason as Error).message}`);
      for (const c of target.contributions) failedLetters.add(c.sk);
    });
    return { failedLetters, tooLarge };
  }

  /** Counts a letter's verdict; `failed`: its writes failed, so it amended no window. */
  private record(p: Prepared, failed = false): void {
    this.considered += 1;
    this.verdicts[p.verdict] += 1;
    if (p.verdict === 'rejected') {
      const reason = p.detail.split(':')[0] ?? p.detail;
      this.stillRejected[reason] = (this.stillRejected[reason] ?? 0) + 1;
    }
    if (p.verdict === 'folds' && this.options.dryRun !== true && !failed) {
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
}

/** What a letter that would push its item past 400 KB reports, as its new rejection. */
const tooLargeDetail = (target: ItemTarget, error: ItemTooLargeError): string =>
  `item-too-large: folding it into window ${target.key.sk} of ${target.key.pk} would make the results item ${error.sizeBytes} bytes, over DynamoDB’s 400 KB item limit`;

/**
 * Rethrows the first "table not found" among `settled`: a missing results table (a wrong `--table`) is not
 * one letter's failure; the replay stops, and the caller names the table.
 */
const throwMissingTable = (settled: readonly PromiseSettledResult<unknown>[]): void => {
  for (const result of settled) {
    if (result.status === 'rejected' && (result.reason as Error).name === 'ResourceNotFoundException')
      throw result.reason;
  }
};

/** Rethrows the first lost-lock error among `settled`: the replay must stop, not count it as one failure. */
const throwLostLock = (settled: readonly PromiseSettledResult<unknown>[]): void => {
  for (const result of settled) {
    if (result.status === 'rejected' && result.reason instanceof ReplayLockedError) throw result.reason;
  }
};
