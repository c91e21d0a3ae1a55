export { FailureNoticeError, RedriveError } from './errors.ts';
export { FileFailureQueue } from './FileFailureQueue.ts';
export { parseFailureNotice } from './parseFailureNotice.ts';
export { type RangeOutcome, type RedriveReport, Redriver, type RedriverOptions } from './Redriver.ts';
export { SqsFailureQueue, type SqsFailureQueueOptions } from './SqsFailureQueue.ts';
export type { FailedRange, FailureMessage, FailureQueue } from './types.ts';
