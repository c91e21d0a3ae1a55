import type { z } from 'zod';
import { DEFAULT_DECODE_LIMITS } from '../decode/constants.ts';
import { formatDuration, parseDuration } from '../time/duration.ts';
import type { TimestampFormat } from '../time/timestamp.ts';
import { WindowSpecError } from '../window/errors.ts';
import { validateWindow } from '../window/validateWindow.ts';
import { DEFAULT_FLUSH_EVERY, DEFAULT_MAX_CLOCK_SKEW, RANKABLE_METRIC_KINDS } from './constants.ts';
import { DefinitionError } from './errors.ts';
import { pipelineInputSchema } from './schema.ts';
import type { EventTimeSource, PipelineDefinition, PipelineInput } from './types.ts';

const formatIssues = (issues: readonly z.core.$ZodIssue[]): string[] =>
  issues.map(
    (issue) => `${issue.path.length === 0 ? '(definition)' : issue.path.join('.')}: ${issue.message}`,
  );

/**
 * Declares a pipeline: the one definition that the CDK stack, the Lambda handler, the local runner and
 * the query client all read. Validates everything up front and throws a {@link DefinitionError} naming
 * each bad field and its value, so a typo fails at `cdk synth` or start-up, not in a running Lambda.
 *
 * @example
 * export const requestsByIp = definePipeline({
 *   name: 'requests-by-ip',
 *   stream: 'access-logs',
 *   decode: accessLog(),
 *   groupBy: ['ip'],
 *   eventTime: { field: 'time', format: 'clf' },
 *   window: tumbling('1m', { allowedLateness: '5m' }),
 *   metrics: { requests: count(), bytes: sum('bytes', { missing: 'skip' }) },
 *   retention: '30d',
 * });
 */
export const definePipeline = (input: PipelineInput): PipelineDefinition => {
  const label = typeof input?.name === 'string' ? `Pipeline "${input.name}"` : 'Pipeline';
  const parsed = pipelineInputSchema.safeParse(input);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw new DefinitionError(`${label} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
  }
  const problems: string[] = [];
  let window = input.window;
  try {
    window = validateWindow(input.window);
  } catch (error) {
    if (!(error instanceof WindowSpecError)) throw error;
    problems.push(`window: ${error.message}`);
  }
  const retentionMs = parseDuration(input.retention);
  if (retentionMs < window.sizeMs + window.allowedLatenessMs) {
    problems.push(
      `retention: must be at least the window size plus allowed lateness (${formatDuration(window.sizeMs + window.allowedLatenessMs)}) (given ${formatDuration(retentionMs)})`,
    );
  }
  const rankBy = input.rankBy ?? defaultRankBy(input);
  const seen = new Set<string>();
  rankBy.forEach((name, i) => {
    const metric = input.metrics[name];
    if (metric === undefined) {
      problems.push(
        `rankBy.${i}: names no metric of this pipeline (given "${name}"; metrics: ${Object.keys(input.metrics).join(', ')})`,
      );
    } else if (!RANKABLE_METRIC_KINDS.includes(metric.kind)) {
      problems.push(
        `rankBy.${i}: metric "${name}" is a ${metric.kind}, which has no single number to rank by`,
      );
    } else if (seen.has(name)) {
      problems.push(`rankBy.${i}: repeats metric "${name}"`);
    }
    seen.add(name);
  });
  if (problems.length > 0) {
    throw new DefinitionError(`${label} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
  }
  const eventTime: EventTimeSource =
    input.eventTime === 'arrival'
      ? { source: 'arrival' }
      : typeof input.eventTime === 'string'
        ? { source: 'field', field: input.eventTime, format: 'iso' }
        : {
            source: 'field',
            field: input.eventTime.field,
            format: input.eventTime.format as TimestampFormat,
          };
  return Object.freeze({
    name: input.name,
    description: input.description ?? '',
    stream: input.stream,
    decode: input.decode,
    filter: input.filter,
    groupBy: Object.freeze([...input.groupBy]),
    eventTime: Object.freeze(eventTime),
    window,
    metrics: Object.freeze({ ...input.metrics }),
    metricNames: Object.freeze(Object.keys(input.metrics)),
    retentionMs,
    maxClockSkewMs: parseDuration(input.maxClockSkew ?? DEFAULT_MAX_CLOCK_SKEW),
    limits: Object.freeze({ ...DEFAULT_DECODE_LIMITS, ...input.limits }),
    rankBy: Object.freeze([...rankBy]),
    flushEveryMs: parseDuration(input.flushEvery ?? DEFAULT_FLUSH_EVERY),
  });
};

const defaultRankBy = (input: PipelineInput): string[] => {
  const first = Object.entries(input.metrics).find(([, metric]) =>
    RANKABLE_METRIC_KINDS.includes(metric.kind),
  );
  return first === undefined ? [] : [first[0]];
};
