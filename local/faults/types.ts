/**
 * What the fault proxy does instead of (or after) forwarding a request:
 * - `throughput-exceeded`: HTTP 400 `ProvisionedThroughputExceededException` (a hot partition, or a
 *   provisioned table over its capacity);
 * - `throttling`: HTTP 400 `ThrottlingException` (control-plane or on-demand throttling);
 * - `internal-error`: HTTP 500 `InternalServerError`;
 * - `unavailable`: HTTP 503 `ServiceUnavailable`;
 * - `hang`: never answer; the caller waits until its own timeout (a Lambda invocation is then killed);
 * - `reset`: close the connection without an answer (`ECONNRESET` on the caller's side).
 */
export type DynamoDbFaultKind =
  | 'throughput-exceeded'
  | 'throttling'
  | 'internal-error'
  | 'unavailable'
  | 'hang'
  | 'reset';

/** Every {@link DynamoDbFaultKind}, in a stable order (for stats and reports). */
export const DYNAMODB_FAULT_KINDS: readonly DynamoDbFaultKind[] = [
  'throughput-exceeded',
  'throttling',
  'internal-error',
  'unavailable',
  'hang',
  'reset',
];

/** The DynamoDB operations that change data; `afterWrites` counts successful ones. */
export const DYNAMODB_WRITE_OPERATIONS: readonly string[] = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
];

/**
 * One rule of a fault plan. A request matches when its operation and tables match and the rule is armed
 * (enough writes have succeeded since it was added) and not used up; it is then injected with the rule's
 * probability, drawn from the proxy's seeded generator. The first rule that injects wins.
 */
export interface DynamoDbFaultRule {
  /** What to do to a matching request. */
  readonly fault: DynamoDbFaultKind;
  /**
   * Operations it applies to, by the name after `DynamoDB_20120810.` in `X-Amz-Target` (`PutItem`,
   * `BatchGetItem`...), or `'writes'` for every write operation.
   * @default undefined - every operation
   */
  readonly operations?: readonly string[] | 'writes';
  /**
   * Tables it applies to: a request matches when it names at least one of them.
   * @default undefined - every table
   */
  readonly tables?: readonly string[];
  /**
   * Chance that a matching request is injected, from 0 to 1.
   * @default 1
   */
  readonly probability?: number;
  /**
   * Most requests this rule injects; then it is used up.
   * @default Infinity
   */
  readonly count?: number;
  /**
   * The rule is armed only once this many write requests (any write operation, any table, through this
   * proxy) have been applied by the database since the rule was added: "crash after k writes".
   * @default 0 - armed at once
   */
  readonly afterWrites?: number;
  /**
   * `before`: the request never reaches the database. `after`: it is forwarded and applied, and the
   * database's answer is replaced by the fault (the caller cannot tell that its write landed).
   * @default 'before'
   */
  readonly phase?: 'before' | 'after';
  /**
   * Name in {@link DynamoDbFaultProxyStats.byRule}.
   * @default '<fault>#<n>'
   */
  readonly name?: string;
}

/** Counters of one operation seen by the proxy. */
export interface OperationStats {
  readonly requests: number;
  readonly injected: number;
}

/** What a fault proxy saw and did since it started. */
export interface DynamoDbFaultProxyStats {
  /** Requests received. */
  readonly requests: number;
  /** Requests forwarded to the database (`after`-phase faults included). */
  readonly forwarded: number;
  /** Write requests the database answered with 2xx (whatever the caller was told). */
  readonly writesApplied: number;
  /** Faults injected, all kinds. */
  readonly injected: number;
  /** Faults injected per kind. */
  readonly byKind: Readonly<Record<DynamoDbFaultKind, number>>;
  /** Faults injected after the database had applied the request (`phase: 'after'`). */
  readonly injectedAfterApply: number;
  /** Per operation name (`PutItem`...; `unknown` without a DynamoDB `X-Amz-Target`). */
  readonly byOperation: Readonly<Record<string, OperationStats>>;
  /** Faults injected per rule name, for every rule ever added. */
  readonly byRule: Readonly<Record<string, number>>;
  /** Hung requests whose caller is still connected. */
  readonly hanging: number;
  /** Requests that could not reach the database (answered by closing the connection). */
  readonly upstreamErrors: number;
}
