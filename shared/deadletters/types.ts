/** A dead letter as stored in the dead-letter table (see docs/table.md), read back. */
export interface StoredLetter {
  /** `<pipeline>#<arrival day>`. */
  readonly pk: string;
  /** `<arrival ISO>#<shard id>#<sequence number>#<sub-record>#<line>`: the letter's identity. */
  readonly sk: string;
  readonly kind: 'rejected' | 'late';
  /** A rejection code (see `REJECTION_REASONS`) or `late`. */
  readonly reason: string;
  readonly message: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly subIndex?: number;
  readonly line?: number;
  /** When the Kinesis record arrived (ISO 8601). */
  readonly arrivedAt: string;
  /** When the letter was (last) written. */
  readonly recordedAt: string;
  readonly excerpt: string;
  /** Late and item-too-large letters: the windows (ISO starts) the record was not folded into. */
  readonly windows?: readonly string[];
  /** The whole Kinesis record payload; absent when it was larger than the 300 KB excerpt limit or not read. */
  readonly payload?: Uint8Array;
  /** Size of a payload that was too large to copy into the letter. */
  readonly payloadBytes?: number;
  /** When a replay applied the letter (docs/adr/0003-dead-letter-replay.md). */
  readonly replayedAt?: string;
  /** What the replay did: `folded` or `filtered`. */
  readonly replayOutcome?: string;
  /** Results items (`pk sk`) whose replayed-set still names this letter: cleaned up by the next replay. */
  readonly replayPending?: readonly string[];
}

/** Which letters to read. Times compare with the arrival time of the record. */
export interface LetterFilter {
  /**
   * Arrival at or after this time (epoch ms).
   * @default - 14 days before `toMs` (the default retention of letters)
   */
  readonly fromMs?: number;
  /**
   * Arrival before this time (epoch ms).
   * @default - now
   */
  readonly toMs?: number;
  /** @default - every reason */
  readonly reason?: string;
  /** @default - both */
  readonly kind?: 'rejected' | 'late';
  /**
   * Leave out letters a replay already applied (except those whose clean-up is pending).
   * @default false
   */
  readonly unreplayedOnly?: boolean;
}

/** Counts of the letters of one reason on one day. */
export interface LetterSummaryRow {
  readonly day: string;
  readonly reason: string;
  readonly kind: 'rejected' | 'late';
  readonly count: number;
  readonly replayed: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The excerpt of the newest letter of the row. */
  readonly excerpt: string;
}
