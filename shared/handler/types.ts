/** Counts of one batch, logged and published as CloudWatch metrics (Embedded Metric Format). */
export interface BatchReport {
  readonly pipeline: string;
  readonly shardId: string;
  /** `per-batch` (a plain Kinesis event) or `buffered` (a tumbling-window event). */
  readonly mode: 'per-batch' | 'buffered';
  readonly kinesisRecords: number;
  readonly firstSequence: string | undefined;
  readonly lastSequence: string | undefined;
  /** Kinesis records skipped because the shard's buffer already holds them (buffered mode). */
  readonly duplicates: number;
  /** Logical records seen after unwrapping (conservation: in = folded + filtered + rejected + late). */
  readonly recordsIn: number;
  readonly folded: number;
  readonly filtered: number;
  readonly rejected: number;
  readonly late: number;
  /**
   * (record, window) contributions set aside because the window's item would exceed DynamoDB's 400 KB
   * (dead-lettered as `item-too-large`). Like late hopping assignments, they are outside the record
   * conservation count: the record itself was folded.
   */
  readonly tooLarge: number;
  readonly rejectionsByReason: Readonly<Record<string, number>>;
  readonly itemsWritten: number;
  readonly itemsAlreadyApplied: number;
  readonly itemsFailed: number;
  readonly conditionalConflicts: number;
  readonly deadLettersWritten: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly maxItemBytes: number;
  readonly durationMs: number;
  /** Where Lambda must resume (the lowest sequence number not fully written), if anywhere. */
  readonly failedSequence: string | undefined;
  /** Buffered mode: whether this invocation wrote the shard's buffer to the table. */
  readonly flushed: boolean;
  /** Buffered mode: (group, window) items held in the returned state. */
  readonly bufferedItems: number;
  /** Buffered mode: bytes of the returned state as Lambda counts them (its JSON; Lambda's limit is 1 MB). */
  readonly stateBytes: number;
  /** Buffered mode: the state to return to Lambda (and pass to the shard's next invocation). */
  readonly state: Readonly<Record<string, string>> | undefined;
}

/** Where the handler sends logs and metrics; Powertools in Lambda, something simpler locally. */
export interface HandlerTelemetry {
  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    data?: Readonly<Record<string, unknown>>,
  ): void;
  publish(report: BatchReport): void | Promise<void>;
}
