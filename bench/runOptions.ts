import type { RunSettings } from './report/types.ts';

/** The figures a run can measure, in order. */
export const SECTIONS = ['fold', 'peers', 'dynamo', 'handler', 'lambda', 'memory', 'cost'] as const;
export type Section = (typeof SECTIONS)[number];

const EXAMPLE_NAMES = ['requests-by-ip', 'category-averages', 'ohlc', 'sensor-stats'];

/**
 * Settings from the command line: `--quick` (a reduced set in about two minutes) and
 * `--only=fold,peers` (some figures only, for development).
 *
 * @example
 * parseRunOptions(['--quick']); // { mode: 'quick', rounds: 5, ... }
 */
export const parseRunOptions = (argv: readonly string[]): RunSettings => {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='));
  const sections = only === undefined ? [...SECTIONS] : only.slice('--only='.length).split(',');
  for (const section of sections) {
    if (!(SECTIONS as readonly string[]).includes(section)) {
      throw new Error(`Unknown section "${section}" in --only (known: ${SECTIONS.join(', ')})`);
    }
  }
  const unknown = argv.filter((a) => a !== '--quick' && !a.startsWith('--only='));
  if (unknown.length > 0)
    throw new Error(`Unknown argument(s): ${unknown.join(' ')} (use --quick, --only=...)`);
  return quick
    ? {
        mode: 'quick',
        sections,
        batchRecords: 10_000,
        warmup: 2,
        rounds: 5,
        writeCostRecords: 2_000,
        endToEnd: {
          recordsPerBatch: 1_000,
          warmupBatches: 1,
          batches: 5,
          pipelines: ['category-averages', 'ohlc'],
        },
        coldInitRuns: 3,
        memoryRecords: 10_000,
        cost: {
          pipelines: EXAMPLE_NAMES,
          rates: [10, 1_000],
          shardCounts: [1],
          partitionings: ['keyed'],
          minutes: 2,
          measurement: { perBatchItemWrites: 600, coalescedRecords: 10_000 },
        },
      }
    : {
        mode: 'full',
        sections,
        batchRecords: 10_000,
        warmup: 5,
        rounds: 20,
        writeCostRecords: 10_000,
        endToEnd: { recordsPerBatch: 1_000, warmupBatches: 2, batches: 30, pipelines: EXAMPLE_NAMES },
        coldInitRuns: 9,
        memoryRecords: 10_000,
        cost: {
          pipelines: EXAMPLE_NAMES,
          rates: [10, 100, 1_000],
          shardCounts: [1, 4],
          partitionings: ['keyed', 'random'],
          minutes: 10,
          measurement: { perBatchItemWrites: 2_000, coalescedRecords: 40_000 },
        },
      };
};
