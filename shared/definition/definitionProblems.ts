import type { z } from 'zod';
import type { AnyMetric } from '../metrics/types.ts';
import { formatDuration } from '../time/duration.ts';
import { WindowSpecError } from '../window/errors.ts';
import type { WindowSpec } from '../window/types.ts';
import { validateWindow } from '../window/validateWindow.ts';
import type { DefinitionProblem } from './errors.ts';
import { fieldProblems, fieldUses } from './fieldProblems.ts';
import { itemSizeProblems, metricProblems } from './metricProblems.ts';
import { problem } from './problem.ts';
import { rankByProblems } from './rankByProblems.ts';
import {
  durationMs,
  isDecoder,
  isMetric,
  isWindow,
  LIMIT_OPTIONS,
  PIPELINE_OPTIONS,
  pipelineInputSchema,
} from './schema.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
