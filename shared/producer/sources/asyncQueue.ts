/** Options of {@link AsyncQueue}. */
export interface AsyncQueueOptions {
  /**
   * Called when the queue grows to `highWater` items (pause the producers).
   * @default undefined
   */
  readonly onHigh?: () => void;
  /**
   * Called when a full queue drains below half of `highWater` (resume them).
   * @default undefined
   */
  readonly onLow?: () => void;
  /**
   * Items held before `onHigh` is called.
   * @default 10_000
   */
  readonly highWater?: number;
}

/**
 * An unbounded queue read as an async iterable by one consumer, with high/low-water callbacks so that
 * producers (sockets) can be paused. `end()` lets the consumer finish what is queued, then stop.
 *
 * @example
 * const queue = new AsyncQueue<Buffer>();
 * socket.on('data', (chunk) => queue.push(chunk));
 * socket.on('end', () => queue.end());
 * for await (const chunk of queue) handle(chunk);
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private ended = false;
  private high = false;
  private waiter: ((result: IteratorResult<T, undefined>) => void) | undefined;
  private readonly highWater: number;

  public constructor(private readonly options: AsyncQueueOptions = {}) {
    this.highWater = options.highWater ?? 10_000;
  }

  /** Items waiting. */
  public get length(): number {
    return this.items.length - this.head;
  }

  /** Adds an item (ignored after `end`). */
  public push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (!this.high && this.length >= this.highWater) {
      this.high = true;
      this.options.onHigh?.();
    }
  }

  /** No more items: the consumer stops once the queue is empty. */
  public end(): void {
    this.ended = true;
    if (this.waiter !== undefined && this.length === 0) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter({ value: undefined, done: true });
    }
  }

  private take(): T {
    const item = this.items[this.head] as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.high && this.length < this.highWater / 2) {
      this.high = false;
      this.options.onLow?.();
    }
    return item;
  }

  public [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => {
        if (this.length > 0) return Promise.resolve({ value: this.take(), done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiter = resolve;
        });
      },
      return: () => {
        this.end();
        this.items = [];
        this.head = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
