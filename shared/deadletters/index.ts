export { DeadLetterError, LetterFilterError, LetterNotFoundError } from './errors.ts';
export { getLetter, letterPartition } from './getLetter.ts';
export { LetterSummary } from './LetterSummary.ts';
export { DEFAULT_LETTER_SPAN_MS, type LetterRange, letterRange } from './letterDays.ts';
export { type QueryLettersOptions, queryLetters } from './queryLetters.ts';
export { readStoredLetter } from './readStoredLetter.ts';
export type { LetterFilter, LetterSummaryRow, StoredLetter } from './types.ts';
