export { ReplayError, ReplayLockedError } from './errors.ts';
export { LetterReplayer, type LetterReplayerOptions } from './LetterReplayer.ts';
export { letterSelects, letterSource, letterWindows } from './letterSource.ts';
export { ReplayLock, type ReplayLockOptions } from './ReplayLock.ts';
export {
  type ItemResult,
  type ItemTarget,
  itemId,
  type LetterMark,
  ReplayStore,
  type ReplayStoreOptions,
} from './ReplayStore.ts';
export { LETTER_VERDICTS, type LetterOutcome, type LetterVerdict, type ReplayReport } from './types.ts';
