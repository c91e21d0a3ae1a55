/** Why a record was sent without its event time shifted. */
export type RetimeSkipReason =
  /** The bytes are not UTF-8 text. */
  | 'not-utf8'
  /** The pipeline's decoder rejects (part of) it: the pipeline will reject it too. */
  | 'rejected-by-decoder'
  /** It decodes to more than one record (a multi-line payload); only one-record lines are retimed. */
  | 'several-records'
  /** The event-time field is missing or null. */
  | 'no-event-time'
  /** The event-time field does not parse in the pipeline's format. */
  | 'invalid-event-time'
  /** The shifted time cannot be written in the record so that the decoder reads it back with nothing else changed. */
  | 'not-rewritable';

/** What {@link RecordRetimer.retime} did with one record. */
export type RetimeResult =
  | { readonly outcome: 'retimed'; readonly data: Buffer }
  /** A line that is deliberately not a record (a CSV header line): sent as it is. */
  | { readonly outcome: 'header'; readonly data: Buffer }
  | { readonly outcome: 'unchanged'; readonly data: Buffer; readonly reason: RetimeSkipReason };

/** Counts of a retimed input, for summaries. */
export interface RetimeStats {
  /** Records whose event time was shifted. */
  retimed: number;
  /** Header lines, sent as they are. */
  headers: number;
  /** Records sent unchanged, by reason. */
  readonly unchanged: Map<RetimeSkipReason, { count: number; firstLine: number }>;
}

/** Text for each {@link RetimeSkipReason}, for summaries. */
export const RETIME_SKIP_TEXT: Readonly<Record<RetimeSkipReason, string>> = {
  'not-utf8': 'not UTF-8 text',
  'rejected-by-decoder': "rejected by the pipeline's decoder",
  'several-records': 'more than one record in the line',
  'no-event-time': 'no event-time field',
  'invalid-event-time': 'event time does not parse',
  'not-rewritable': 'event time cannot be rewritten in place',
};
