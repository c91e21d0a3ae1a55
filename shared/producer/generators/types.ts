/** One record of demo traffic. */
export interface GeneratedRecord {
  /** The payload, one line of text (no line break). */
  readonly data: string;
  /** A natural partition key: the record's group (client IP, symbol, device, category). */
  readonly partitionKey: string;
  /** True when the record was made malformed on purpose: its pipeline must reject it. */
  readonly malformed: boolean;
  /** What is wrong with it, when malformed (`truncated`, `wrong-type`, `bad-timestamp`, `garbage`, …). */
  readonly defect?: string;
}

/** Options of every generator. */
export interface GeneratorOptions {
  /**
   * Seed of the pseudo-random generator: the same seed and clock readings give the same records.
   * @default 1
   */
  readonly seed?: number;
  /**
   * The clock; each record's event time is a little before the clock's reading when it is made.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Share of records made malformed on purpose, from 0 to 1.
   * @default 0.01
   */
  readonly malformedShare?: number;
}

/** Makes an endless sequence of demo records for one example pipeline; take as many as needed. */
export type RecordGenerator = (options?: GeneratorOptions) => Generator<GeneratedRecord, never, undefined>;
