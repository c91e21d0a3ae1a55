import { ProducerOptionError } from './errors.ts';
import { sleep as realSleep, type Sleep } from './sleep.ts';

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second, continuously (not in steps). */
  readonly ratePerSecond: number;
  /**
   * Most tokens the bucket holds, i.e. the largest burst. Small values keep the output smooth.
   * @default max(1, ratePerSecond / 20) - 50 ms worth of tokens
   */
  readonly capacity?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default a setTimeout-based sleep */
  readonly sleep?: Sleep;
}

/**
 * A smooth token-bucket rate limiter. Tokens refill continuously at `ratePerSecond` up to `capacity`; the
 * bucket starts full. {@link TokenBucket.take} reserves its tokens at once (the balance may go negative) and
 * then waits for the debt to refill, so concurrent callers are served in call order and the long-run rate
 * never exceeds `ratePerSecond`, whatever the timer resolution.
 *
 * @example
 * const bucket = new TokenBucket({ ratePerSecond: 100 });
 * for (const record of records) {
 *   await bucket.take(); // at most 100 per second, at most 5 at once
 *   send(record);
 * }
 */
export class TokenBucket {
  public readonly ratePerSecond: number;
  public readonly capacity: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private balance: number;
  private updatedMs: number;

  public constructor(options: TokenBucketOptions) {
    const { ratePerSecond } = options;
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new ProducerOptionError(
        `Rate must be a positive number of records per second (given ${ratePerSecond})`,
      );
    }
    const capacity = options.capacity ?? Math.max(1, ratePerSecond / 20);
    if (!Number.isFinite(capacity) || capacity < 1) {
      throw new ProducerOptionError(`Token bucket capacity must be at least 1 (given ${capacity})`);
    }
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.balance = capacity;
    this.updatedMs = this.now();
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.updatedMs;
    if (elapsed > 0) {
      this.balance = Math.min(this.capacity, this.balance + (elapsed * this.ratePerSecond) / 1000);
      this.updatedMs = now;
    }
  }

  /**
   * Tokens available now; negative while callers of {@link TokenBucket.take} wait for reserved tokens.
   *
   * @example
   * bucket.tokens(); // 5 for a fresh bucket of 100 per second
   */
  public tokens(): number {
    this.refill();
    return this.balance;
  }

  /**
   * Milliseconds until `count` tokens would be available (0 when they are now).
   *
   * @example
   * bucket.delayFor(1); // 10 on an empty bucket of 100 per second
   */
  public delayFor(count = 1): number {
    this.refill();
    const missing = count - this.balance;
    return missing <= 0 ? 0 : (missing * 1000) / this.ratePerSecond;
  }

  /**
   * Takes `count` tokens if they are available now, without waiting.
   *
   * @example
   * if (bucket.tryTake()) send(record);
   */
  public tryTake(count = 1): boolean {
    this.refill();
    if (this.balance < count) return false;
    this.balance -= count;
    return true;
  }

  /**
   * Takes `count` tokens, waiting as long as needed. When `signal` aborts during the wait, the tokens are
   * given back and the promise rejects with the signal's reason.
   *
   * @example
   * await bucket.take(1, controller.signal);
   */
  public async take(count = 1, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) throw signal.reason;
    this.refill();
    this.balance -= count;
    if (this.balance >= 0) return;
    const waitMs = (-this.balance * 1000) / this.ratePerSecond;
    try {
      await this.sleep(waitMs, signal);
    } catch (error) {
      this.balance += count;
      throw error;
    }
  }
}
