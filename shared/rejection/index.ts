export { describeValue } from './describeValue.ts';
export { EXCERPT_LENGTH, excerpt } from './excerpt.ts';
export { isRejectionReason, REJECTION_REASONS, type RejectionReason } from './reasons.ts';
export type { Rejection } from './types.ts';
