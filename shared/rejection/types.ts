import type { RecordOrigin } from '../record/types.ts';
import type { RejectionReason } from './reasons.ts';

/**
 * A record set aside, with the reason and enough to find and replay it.
 */
export interface Rejection {
  readonly reason: RejectionReason;
  /** One line that says what was wrong, naming the field or the bad value. */
  readonly message: string;
  readonly origin: RecordOrigin;
  /** A short, printable excerpt of the offending input (see {@link excerpt}). */
  readonly excerpt: string;
}
