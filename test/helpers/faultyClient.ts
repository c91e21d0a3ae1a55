import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What a {@link FaultyClient} does to the calls of one invocation. */
export type Fault =
  | { readonly kind: 'none' }
  /** The function dies after `afterWrites` successful writes: every later call fails. */
  | { readonly kind: 'crash'; readonly afterWrites: number }
  /** The `nth` PutItem (0-based) fails with a non-retryable error; everything else works. */
  | { readonly kind: 'fail-item'; readonly nth: number }
  /** The first `count` calls are throttled (retryable), alternating with successes. */
  | { readonly kind: 'throttle'; readonly count: number };

const WRITES = new Set(['PutItemCommand', 'BatchWriteItemCommand', 'UpdateItemCommand']);

const awsError = (name: string, message: string, status: number): Error =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });

/**
 * Wraps a real DynamoDB client and injects one invocation's fault. `crashed` tells the harness that the
 * invocation must be treated as a function crash (Lambda ignores its response and retries the batch).
 */
export class FaultyClient {
  public crashed = false;
  private writes = 0;
  private puts = 0;
  private calls = 0;

  public constructor(
    private readonly real: DynamoDBClient,
    private readonly fault: Fault,
    /** Up to this many ms of random delay before each call, so concurrent invocations interleave. */
    private readonly jitterMs = 0,
  ) {}

  public asClient(): DynamoDBClient {
    return {
      send: (command: { constructor: { name: string } }) => this.send(command),
    } as unknown as DynamoDBClient;
  }

  private async send(command: { constructor: { name: string } }): Promise<unknown> {
    const name = command.constructor.name;
    const fault = this.fault;
    if (this.jitterMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * this.jitterMs));
    this.calls += 1;
    if (fault.kind === 'crash' && this.writes >= fault.afterWrites) {
      this.crashed = true;
      throw awsError('FunctionCrashed', 'the function crashed (injected)', 500 - 100); // 400: not retryable
    }
    if (fault.kind === 'throttle' && this.calls <= fault.count * 2 && this.calls % 2 === 1) {
      throw awsError('ProvisionedThroughputExceededException', 'throttled (injected)', 400);
    }
    if (name === 'PutItemCommand') {
      const index = this.puts;
      this.puts += 1;
      if (fault.kind === 'fail-item' && index === fault.nth) {
        throw awsError('ValidationException', 'write rejected (injected)', 400);
      }
    }
    const result = await (this.real.send as (c: unknown) => Promise<unknown>)(command);
    if (WRITES.has(name)) this.writes += 1;
    return result;
  }
}
