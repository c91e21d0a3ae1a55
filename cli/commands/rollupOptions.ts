import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { DEFAULT_MAX_ROLLUP_QUERIES, type RollupOutcome } from '../../shared/query/rollup.ts';
import type { RollupEvery } from '../../shared/query/rollupPlan.ts';
import { formatDuration, parseDuration } from '../../shared/time/duration.ts';
import { UsageError } from '../errors.ts';

/** The options `query --every` and range `top` share. */
export interface RollupCliOptions {
  readonly maxQueries?: string;
  readonly yes?: boolean;
  readonly consistent?: boolean;
}

/**
 * Parses `--every`: a duration such as `1h` or `1d`, or `all`.
 *
 * @throws {UsageError} naming the bad value.
 * @example
 * parseEvery('1h'); // 3600000
 */
export const parseEvery = (text: string): RollupEvery => {
  if (text === 'all') return 'all';
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new UsageError(`--every takes a duration such as 1h or 1d, or all (given "${text}")`);
  }
  if (ms <= 0) throw new UsageError(`--every must be longer than 0 (given "${text}")`);
  return ms;
};

/**
 * The most Queries a read may make: `--yes` lifts the guard, `--max-queries N` sets it.
 *
 * @throws {UsageError} when `--max-queries` is not a positive whole number.
 * @example
 * parseMaxQueries({ maxQueries: '2000' }); // 2000
 */
export const parseMaxQueries = (options: RollupCliOptions): number => {
  if (options.yes === true) return Number.MAX_SAFE_INTEGER;
  const text = options.maxQueries ?? String(DEFAULT_MAX_ROLLUP_QUERIES);
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`--max-queries must be a positive whole number (given "${text}")`);
  }
  return Number(text);
};

/**
 * Queries, requests and read units of a read, e.g. `3 Queries (4 request(s), 12.5 read units)`.
 *
 * @example
 * describeSpent(outcome);
 */
export const describeSpent = (outcome: {
  readonly queries: number;
  readonly requests: number;
  readonly readUnits: number;
}): string =>
  `${outcome.queries} ${outcome.queries === 1 ? 'Query' : 'Queries'} (${outcome.requests} request(s), ${Math.round(outcome.readUnits * 10) / 10} read units)`;

/**
 * What a rollup read, for a summary line: Queries, requests, read units, and how. `groupOption`: the
 * command has `--group` (query does, top does not), so the listing can be skipped by giving the group.
 *
 * @example
 * describeRollupCost(outcome); // '1 Query (1 request, 143 read units): one Query per group'
 */
export const describeRollupCost = (
  definition: PipelineDefinition,
  outcome: Omit<RollupOutcome, 'results'>,
  groupOption = true,
): string => {
  const spent = describeSpent(outcome);
  if (outcome.strategy === 'group') return `${spent}: one Query per group's partition`;
  if (outcome.strategy === 'scan')
    return `${spent}: a Scan of the whole table (the pipeline has no rankBy index)`;
  const windows = (outcome.toMs - outcome.fromMs) / definition.window.sizeMs;
  return `${spent}: ${windows} on index ${outcome.indexName} to list the groups (one per ${formatDuration(definition.window.sizeMs)} window), then one per group${groupOption ? '; give every group field with --group to skip the listing' : ''}`;
};

/**
 * A progress line of a rollup.
 *
 * @example
 * rollupProgressLine({ phase: 'list', done: 10, total: 60 }); // 'listing groups: 10/60 windows'
 */
export const rollupProgressLine = (progress: {
  readonly phase: 'list' | 'read';
  readonly done: number;
  readonly total: number;
}): string =>
  progress.phase === 'list'
    ? `listing groups: ${progress.done}/${progress.total} windows`
    : `reading windows: ${progress.done}/${progress.total} Queries`;

/**
 * A rollup's `onProgress` for a command: one line per whole percent (not one per Query), then `''` when
 * done, written to `progress`.
 *
 * @example
 * rollup({ ...options, onProgress: rollupProgress(progressOf(io)) });
 */
export const rollupProgress = (
  progress: (line: string) => void,
): ((p: { readonly phase: 'list' | 'read'; readonly done: number; readonly total: number }) => void) => {
  return (p) => {
    const step = Math.max(1, Math.floor(p.total / 100));
    if (p.done === p.total || p.done % step === 0) progress(rollupProgressLine(p));
  };
};
