import { hostname } from 'node:os';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { withRetry } from '../storage/retry.ts';
import { ReplayLockedError } from './errors.ts';

/** Options of {@link ReplayLock}. */
export interface ReplayLockOptions {
  readonly client: DynamoDBClient;
  /** The dead-letter table: the lock is one item in it, beside the letters. */
  readonly tableName: string;
  readonly pipeline: string;
  /**
   * How long the lock is held without renewal: a replay that died leaves it for at most this long.
   * @default 120_000
   */
  readonly leaseMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

/**
 * One replay of a pipeline at a time (docs/adr/0003-dead-letter-replay.md): a lease item
 * (`pk` = `<pipeline>#replay-lock`, never a day partition) taken with a conditional put, renewed while the
 * replay works, deleted at the end. A replay that read a letter before another one marked it must not
 * write it again; running one at a time rules that out. The lock is a fence only if every write checks it:
 * {@link ReplayLock.ensure} before each write renews when half the lease is gone and refuses to go on when
 * the lock is lost.
 *
 * @example
 * const lock = new ReplayLock({ client, tableName, pipeline: 'ohlc' });
 * await lock.acquire();
 * try { ... await lock.renew(); ... } finally { await lock.release(); }
 */
export class ReplayLock {
  private readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  private readonly now: () => number;
  private readonly key;
  /** Until when this process may count on the lock: the start of the last acquire or renew plus the lease. */
  private heldUntilMs = Number.NEGATIVE_INFINITY;
  private renewing: Promise<void> | undefined;

  public constructor(private readonly options: ReplayLockOptions) {
    this.now = options.now ?? Date.now;
    this.key = { pk: { S: `${options.pipeline}#replay-lock` }, sk: { S: 'lock' } };
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 120_000;
  }

  /**
   * Takes the lock.
   *
   * @param breakLock - take it even if another replay holds it (that replay must be dead)
   * @throws {ReplayLockedError} naming the holder and until when it holds the lock.
   */
  public async acquire(breakLock = false): Promise<void> {
    const { client, tableName } = this.options;
    const nowMs = this.now();
    const until = nowMs + this.leaseMs;
    try {
      await withRetry(
        (abortSignal) =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: {
                ...this.key,
                owner: { S: this.owner },
                heldUntil: { N: String(until) },
                startedAt: { S: new Date(nowMs).toISOString() },
                expiresAt: { N: String(Math.ceil(until / 1000) + 86_400) },
              },
              ...(breakLock
                ? {}
                : {
                    ConditionExpression: 'attribute_not_exists(pk) OR heldUntil < :now',
                    ExpressionAttributeValues: { ':now': { N: String(nowMs) } },
                  }),
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: nowMs + 30_000 },
      );
      this.heldUntilMs = until;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const held = await client.send(
        new GetItemCommand({ TableName: tableName, Key: this.key, ConsistentRead: true }),
      );
      const holder = held.Item?.owner?.S ?? 'another replay';
      const heldUntil = new Date(Number(held.Item?.heldUntil?.N ?? nowMs)).toISOString();
      throw new ReplayLockedError(
        `Another replay of ${this.options.pipeline} (${holder}, started ${held.Item?.startedAt?.S ?? '?'}) holds the replay lock until ${heldUntil}: wait for it to finish; if it is dead, wait until then or pass --break-lock`,
        { cause: error },
      );
    }
  }

  /**
   * Extends the lease.
   *
   * @throws {ReplayLockedError} when the lock was taken over (this replay must stop writing).
   */
  public async renew(): Promise<void> {
    const { client, tableName } = this.options;
    const nowMs = this.now();
    try {
      await withRetry(
        (abortSignal) =>
          client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: this.key,
              UpdateExpression: 'SET heldUntil = :until',
              ConditionExpression: '#owner = :me',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: {
                ':until': { N: String(nowMs + this.leaseMs) },
                ':me': { S: this.owner },
              },
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: nowMs + 30_000 },
      );
      this.heldUntilMs = nowMs + this.leaseMs;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      this.heldUntilMs = Number.NEGATIVE_INFINITY;
      throw new ReplayLockedError(
        `This replay of ${this.options.pipeline} lost its lock (another replay broke it): stopping before writing more`,
        { cause: error },
      );
    }
  }

  /**
   * How long the lock is surely still this replay's (its lease counted from the start of the last acquire
   * or renew); negative once it may have been taken over.
   */
  public remainingMs(): number {
    return this.heldUntilMs - this.now();
  }

  /**
   * The fence before a write: returns when at least half the lease is left (renewing first when less is),
   * so the write, bounded by its own deadline, lands while the lock is still this replay's.
   *
   * @throws {ReplayLockedError} when the lock was taken over, or when even a renewal leaves less than half
   *   the lease (a renewal that slow means the lease cannot be trusted): this replay must not write.
   * @example
   * await lock.ensure(); // then write
   */
  public async ensure(): Promise<void> {
    const safe = this.leaseMs / 2;
    if (this.remainingMs() >= safe) return;
    // One renewal at a time: concurrent writes wait for the same one.
    this.renewing ??= this.renew().finally(() => {
      this.renewing = undefined;
    });
    await this.renewing;
    if (this.remainingMs() < safe) {
      throw new ReplayLockedError(
        `The replay lock of ${this.options.pipeline} has only ${Math.max(0, this.remainingMs())} ms of its ${this.leaseMs} ms lease left after renewing: stopping before writing more`,
      );
    }
  }

  /** Gives the lock back (if still ours). Never throws: an unreleased lock expires with its lease. */
  public async release(): Promise<void> {
    const { client, tableName } = this.options;
    try {
      await client.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: this.key,
          ConditionExpression: '#owner = :me',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':me': { S: this.owner } },
        }),
      );
    } catch {
      // Expires with its lease.
    }
    this.heldUntilMs = Number.NEGATIVE_INFINITY;
  }
}
