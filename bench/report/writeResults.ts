import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECTIONS } from '../runOptions.ts';
import type { BenchResults } from './types.ts';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Where a run's files go, without extension: `bench/results/<YYYY-MM-DD>` for a full run of every figure,
 * with a `-quick` or `-partial` suffix otherwise.
 *
 * @example
 * resultsBase(results); // '.../bench/results/2026-12-06-quick'
 */
export const resultsBase = (results: Pick<BenchResults, 'startedAt' | 'settings'>): string => {
  const date = results.startedAt.slice(0, 10);
  const partial = results.settings.sections.length < SECTIONS.length;
  const suffix = results.settings.mode === 'quick' ? '-quick' : partial ? '-partial' : '';
  return join(RESULTS_DIR, `${date}${suffix}`);
};

/**
 * Writes the results as `bench/results/<YYYY-MM-DD>.json` (full run of every figure), or with a `-quick`
 * or `-partial` suffix, and returns the path.
 *
 * @example
 * const path = writeResults(results); // '.../bench/results/2026-11-21.json'
 */
export const writeResults = (results: BenchResults): string => {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${resultsBase(results)}.json`;
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
};
