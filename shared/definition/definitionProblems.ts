import type { z } from 'zod';
import { describeGiven } from '../metrics/OptionProblem.ts';
import type { AnyMetric } from '../metrics/types.ts';
import { MAX_ITEM_BYTES } from '../storage/itemSize.ts';
import { formatDuration } from '../time/duration.ts';
import { WindowSpecError } from '../window/errors.ts';
import type { WindowSpec } from '../window/types.ts';
import { validateWindow } from '../window/validateWindow.ts';
import {
  ITEM_RESERVE_BYTES,
  METRIC_NAME_PATTERN,
  RANKABLE_METRIC_KINDS,
  RESERVED_METRIC_NAMES,
} from './constants.ts';
import type { DefinitionProblem } from './errors.ts';
import { fieldProblems, fieldUses } from './fieldProblems.ts';
import {
  durationMs,
  isDecoder,
  isWindow,
  LIMIT_OPTIONS,
  PIPELINE_OPTIONS,
  pipelineInputSchema,
} from './schema.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Is this a metric built by `count()`, `sum(...)`, … (valid or not)? */
export const isMetric = (value: unknown): value is AnyMetric =>
  isObject(value) &&
  typeof value.kind === 'string' &&
  typeof value.input === 'function' &&
  typeof value.empty === 'function';

const problem = (path: string, message: string, given: unknown): DefinitionProblem => ({
  path,
  message,
  given: describeGiven(given),
});

const fromIssue = (issue: z.core.$ZodIssue, input: Record<string, unknown>): DefinitionProblem[] => {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.reduce<unknown>(
      (value, key) => (isObject(value) ? value[String(key)] : undefined),
      input,
    );
    const known = path === '' ? PIPELINE_OPTIONS : path === 'limits' ? LIMIT_OPTIONS : [];
    return issue.keys.map((key) =>
      problem(
        path === '' ? key : `${path}.${key}`,
        `is not an option of ${path === '' ? 'definePipeline' : path} (its options: ${known.join(', ')})`,
        isObject(parent) ? parent[key] : undefined,
      ),
    );
  }
  return [problem(path === '' ? '(definition)' : path, issue.message, issue.input)];
};

/** Metric names, metric values, and the problems each metric found in its own arguments and options. */
const metricProblems = (metrics: Record<string, unknown>): DefinitionProblem[] =>
  Object.entries(metrics).flatMap(([name, metric]): DefinitionProblem[] => {
    const path = `metrics.${name}`;
    const found: DefinitionProblem[] = [];
    if (!METRIC_NAME_PATTERN.test(name)) {
      found.push(
        problem(path, 'metric name must be a letter then letters, digits or _, at most 64 characters', name),
      );
    } else if (RESERVED_METRIC_NAMES.includes(name)) {
      found.push({
        path,
        message: `"${name}" is reserved for the results item; choose another metric name`,
        given: undefined,
      });
    }
    if (!isMetric(metric)) {
      found.push(problem(path, "must be a metric such as count(), sum('field')", metric));
      return found;
    }
    for (const p of metric.problems ?? []) {
      found.push({ path: [path, ...p.path.map(String)].join('.'), message: p.message, given: p.given });
    }
    return found;
  });

/**
 * States whose size is bounded whatever the data (dense HyperLogLogs) must leave room in the 400 KB
 * DynamoDB item for its keys, readable results and exactly-once bookkeeping; else every busy window
 * would outgrow its item and its records would be set aside.
 */
const itemSizeProblems = (metrics: Record<string, unknown>): DefinitionProblem[] => {
  const bounded = Object.entries(metrics).flatMap(([name, metric]) =>
    isMetric(metric) && metric.maxStateBytes !== undefined ? [{ name, bytes: metric.maxStateBytes }] : [],
  );
  const total = bounded.reduce((sum, { bytes }) => sum + bytes, 0);
  if (total <= MAX_ITEM_BYTES - ITEM_RESERVE_BYTES) return [];
  return [
    {
      path: 'metrics',
      message: `their states can grow to ${total} bytes (${bounded.map(({ name, bytes }) => `${name}: ${bytes}`).join(', ')}), which leaves less than ${ITEM_RESERVE_BYTES / 1024} KiB of DynamoDB's ${MAX_ITEM_BYTES / 1024} KiB item for keys, results and bookkeeping; lower a distinct precision (each step down halves its state)`,
      given: undefined,
    },
  ];
};

const windowProblems = (
  window: WindowSpec,
): { window: WindowSpec | undefined; problems: DefinitionProblem[] } => {
  try {
    return { window: validateWindow(window), problems: [] };
  } catch (error) {
    if (!(error instanceof WindowSpecError)) throw error;
    return { window: undefined, problems: [{ path: 'window', message: error.message, given: undefined }] };
  }
};

/**
 * The metrics that rank groups when `rankBy` is not given: the first metric with a single-number result.
 *
 * @example
 * defaultRankBy({ requests: count(), latency: quantiles('ms') }); // ['requests']
 */
export const defaultRankBy = (metrics: Readonly<Record<string, unknown>>): string[] => {
  const first = Object.entries(metrics).find(
    ([, metric]) => isMetric(metric) && RANKABLE_METRIC_KINDS.includes(metric.kind),
  );
  return first === undefined ? [] : [first[0]];
};

const rankByProblems = (rankBy: unknown, metrics: Record<string, unknown>): DefinitionProblem[] => {
  if (rankBy !== undefined && !(Array.isArray(rankBy) && rankBy.every((name) => typeof name === 'string')))
    return []; // its shape is reported by the schema
  const names: readonly string[] = rankBy ?? defaultRankBy(metrics);
  const seen = new Set<string>();
  const found: DefinitionProblem[] = [];
  names.forEach((name, i) => {
    const metric = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
    if (metric === undefined) {
      found.push(
        problem(
          `rankBy.${i}`,
          `names no metric of this pipeline (metrics: ${Object.keys(metrics).join(', ')})`,
          name,
        ),
      );
    } else if (isMetric(metric) && !RANKABLE_METRIC_KINDS.includes(metric.kind)) {
      found.push(
        problem(
          `rankBy.${i}`,
          `metric "${name}" is a ${metric.kind}, which has no single number to rank by (rankable: ${RANKABLE_METRIC_KINDS.join(', ')})`,
          name,
        ),
      );
    } else if (seen.has(name)) {
      found.push(problem(`rankBy.${i}`, `repeats metric "${name}"`, name));
    }
    seen.add(name);
  });
  return found;
};

const optionOrder = (path: string): number => {
  const index = PIPELINE_OPTIONS.indexOf(path.split('.')[0] ?? '');
  return index === -1 ? PIPELINE_OPTIONS.length : index;
};

/**
 * Every problem of a pipeline definition, in the order of its options: the shape of each option, each
 * metric's name, arguments and options, the window, and the rules across options (retention against the
 * window, `rankBy` against the metrics). Checks that depend on a broken option are skipped, not guessed.
 *
 * @example
 * definitionProblems({ ...input, stream: '' }); // [{ path: 'stream', message: 'must be a Kinesis stream name: …', given: '""' }]
 */
export const definitionProblems = (input: unknown): DefinitionProblem[] => {
  if (!isObject(input)) {
    return [problem('(definition)', 'must be an object: definePipeline({ name, stream, … })', input)];
  }
  const parsed = pipelineInputSchema.safeParse(input, { reportInput: true });
  const found = parsed.success ? [] : parsed.error.issues.flatMap((issue) => fromIssue(issue, input));
  const metrics = isObject(input.metrics) ? input.metrics : undefined;
  if (metrics !== undefined) found.push(...metricProblems(metrics), ...itemSizeProblems(metrics));
  if (isWindow(input.window)) {
    const checked = windowProblems(input.window);
    found.push(...checked.problems);
    const retentionMs = durationMs(input.retention);
    if (checked.window !== undefined && retentionMs !== undefined && retentionMs > 0) {
      const neededMs = checked.window.sizeMs + checked.window.allowedLatenessMs;
      if (retentionMs < neededMs) {
        found.push(
          problem(
            'retention',
            `must be at least the window size plus allowed lateness (${formatDuration(neededMs)})`,
            input.retention,
          ),
        );
      }
    }
  }
  if (metrics !== undefined) found.push(...rankByProblems(input.rankBy, metrics));
  if (isDecoder(input.decode) && input.decode.fields !== undefined) {
    const groupBy = Array.isArray(input.groupBy) ? input.groupBy.filter((f) => typeof f === 'string') : [];
    const usable = Object.fromEntries(
      Object.entries(metrics ?? {}).filter(
        (entry): entry is [string, AnyMetric] => isMetric(entry[1]) && (entry[1].problems ?? []).length === 0,
      ),
    );
    const uses = fieldUses(groupBy, input.eventTime, usable);
    found.push(...fieldProblems(input.decode.format, input.decode.fields, uses));
  }
  return found
    .map((p, i) => ({ p, i }))
    .sort((a, b) => optionOrder(a.p.path) - optionOrder(b.p.path) || a.i - b.i)
    .map(({ p }) => p);
};
