import { accessLogCases } from './accessLog.ts';
import { csvCases } from './csv.ts';
import { fieldCases } from './fields.ts';
import { jsonCases } from './json.ts';
import type { CorpusCase } from './types.ts';
import { unwrapCases } from './unwrap.ts';

export { ARRIVAL_MS, goodPayloads } from './pipelines.ts';
export type { CorpusCase, CorpusOutcome } from './types.ts';
export { multiMemberGzipBomb, singleMemberGzipBomb } from './unwrap.ts';

/** The corpus by family: one module per decoder family. */
export const CORPUS: ReadonlyMap<string, readonly CorpusCase[]> = new Map([
  ['json', jsonCases],
  ['csv', csvCases],
  ['accessLog', accessLogCases],
  ['unwrap', unwrapCases],
  ['fields', fieldCases],
]);

/** Every case of the corpus. */
export const ALL_CASES: readonly CorpusCase[] = [...CORPUS.values()].flat();
