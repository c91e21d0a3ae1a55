import { DEFAULT_DECODE_LIMITS } from '../decode/constants.ts';
import { parseDuration } from '../time/duration.ts';
import type { TimestampFormat } from '../time/timestamp.ts';
import { validateWindow } from '../window/validateWindow.ts';
import { DEFAULT_FLUSH_EVERY, DEFAULT_MAX_CLOCK_SKEW } from './constants.ts';
import { definitionProblems } from './definitionProblems.ts';
import { DefinitionError } from './errors.ts';
import { defaultRankBy } from './rankByProblems.ts';
import type { EventTimeSource, PipelineDefinition, PipelineInput } from './types.ts';

/**
 * Declares a pipeline: the one definition that the CDK stack, the Lambda handler, the local runner and
 * the query client all read. Validates everything up front — every option, and every metric's arguments
 * and options — and throws one {@link DefinitionError} listing every problem at once, each with its path
 * and the value given, so a typo fails at `cdk synth` or start-up, not in a running Lambda.
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
  const problems = definitionProblems(input);
  if (problems.length > 0) {
    const label = typeof input?.name === 'string' ? `Pipeline "${input.name}"` : 'Pipeline';
    throw DefinitionError.listing(label, problems);
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
    window: validateWindow(input.window),
    metrics: Object.freeze({ ...input.metrics }),
    metricNames: Object.freeze(Object.keys(input.metrics)),
    retentionMs: parseDuration(input.retention),
    maxClockSkewMs: parseDuration(input.maxClockSkew ?? DEFAULT_MAX_CLOCK_SKEW),
    limits: Object.freeze({ ...DEFAULT_DECODE_LIMITS, ...input.limits }),
    rankBy: Object.freeze([...(input.rankBy ?? defaultRankBy(input.metrics))]),
    flushEveryMs: parseDuration(input.flushEvery ?? DEFAULT_FLUSH_EVERY),
  });
};
