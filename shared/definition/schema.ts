import { z } from 'zod';
import type { FormatDecoder } from '../decode/types.ts';
import type { AnyMetric } from '../metrics/types.ts';
import { parseDuration } from '../time/duration.ts';
import { TimeFormatError } from '../time/errors.ts';
import { TIMESTAMP_FORMATS } from '../time/timestamp.ts';
import type { WindowSpec } from '../window/types.ts';
import {
  MAX_FLUSH_EVERY_MS,
  MAX_GROUP_BY_FIELDS,
  MAX_RANK_BY,
  PIPELINE_NAME_PATTERN,
  STREAM_NAME_PATTERN,
} from './constants.ts';

/** Milliseconds of a duration, or `undefined` when it is not one (that problem is reported by the schema). */
export const durationMs = (value: unknown): number | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseDuration(value);
  } catch (error) {
    if (error instanceof TimeFormatError) return undefined;
    throw error;
  }
};

const DURATION_FORM = "a whole number of milliseconds or text like '500ms', '30s', '1m', '1h30m', '30d'";

/** A {@link Duration} that must be positive (or, with `allowZero`, non-negative). */
const duration = (allowZero: boolean) =>
  z
    .union([z.string(), z.number()], { error: `must be a duration: ${DURATION_FORM}` })
    .superRefine((value, ctx) => {
      const ms = durationMs(value);
      if (ms === undefined)
        ctx.addIssue({ code: 'custom', input: value, message: `must be a duration: ${DURATION_FORM}` });
      else if (!allowZero && ms === 0)
        ctx.addIssue({ code: 'custom', input: value, message: 'must be longer than 0' });
    });

const FIELD_FORM = "a field name or dotted path such as 'ip' or 'request.path'";
const fieldPath = z
  .string({ error: `must be ${FIELD_FORM}` })
  .refine((path) => path !== '' && !path.split('.').includes(''), { error: `must be ${FIELD_FORM}` });

const isFieldPath = (value: unknown): boolean =>
  typeof value === 'string' && value !== '' && !value.split('.').includes('');

const EVENT_TIME_FORMATS = TIMESTAMP_FORMATS.join(', ');

/** `eventTime`: `'arrival'`, a field name, or `{ field, format }`, each part checked on its own. */
const eventTimeProblems = (
  value: unknown,
): { readonly path: (string | number)[]; readonly input: unknown; readonly message: string }[] => {
  if (value === 'arrival') return [];
  if (typeof value === 'string') {
    return isFieldPath(value)
      ? []
      : [{ path: [], input: value, message: `must be 'arrival' or ${FIELD_FORM}` }];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      {
        path: [],
        input: value,
        message: `must be 'arrival', a field name, or { field, format } with format ${EVENT_TIME_FORMATS}`,
      },
    ];
  }
  const { field, format, ...others } = value as Record<string, unknown>;
  return [
    ...(isFieldPath(field) ? [] : [{ path: ['field'], input: field, message: `must be ${FIELD_FORM}` }]),
    ...((TIMESTAMP_FORMATS as readonly unknown[]).includes(format)
      ? []
      : [{ path: ['format'], input: format, message: `must be one of ${EVENT_TIME_FORMATS}` }]),
    ...Object.entries(others).map(([key, given]) => ({
      path: [key],
      input: given,
      message: 'is not an option of eventTime (its options: field, format)',
    })),
  ];
};

/** Is this a format decoder (`json()`, `csv({...})`, `accessLog()`)? */
export const isDecoder = (value: unknown): value is FormatDecoder =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as FormatDecoder).format === 'string' &&
  typeof (value as FormatDecoder).decode === 'function';

/** Is this a metric built by `count()`, `sum(...)`, … (valid or not)? */
export const isMetric = (value: unknown): value is AnyMetric =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AnyMetric).kind === 'string' &&
  typeof (value as AnyMetric).input === 'function' &&
  typeof (value as AnyMetric).empty === 'function';

/** Is this a window built by `tumbling(...)` or `hopping(...)`? */
export const isWindow = (value: unknown): value is WindowSpec =>
  typeof value === 'object' &&
  value !== null &&
  ((value as WindowSpec).kind === 'tumbling' || (value as WindowSpec).kind === 'hopping') &&
  typeof (value as WindowSpec).sizeMs === 'number';

const byteLimit = (max: number) =>
  z
    .custom<number>(
      (value) => Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= max,
      {
        error: `must be a whole number of bytes from 1 to ${max}`,
      },
    )
    .optional();

const LIMITS_SHAPE = { maxRecordBytes: byteLimit(10_485_760), maxDecompressedBytes: byteLimit(104_857_600) };

/** The options of `limits`, for messages about unknown ones. */
export const LIMIT_OPTIONS: readonly string[] = Object.keys(LIMITS_SHAPE);

/**
 * The shape of {@link PipelineInput}, field by field. Messages say what is accepted; the value given is
 * added to each problem by `definePipeline` (the schema is parsed with `reportInput`). Metric names and the
 * metrics themselves, and rules across fields, are checked in `definePipeline`.
 */
export const pipelineInputSchema = z
  .object(
    {
      name: z
        .string({ error: 'must be a pipeline name such as requests-by-ip' })
        .regex(PIPELINE_NAME_PATTERN, {
          error:
            'must be lower-case letters, digits and dashes, starting with a letter, at most 48 characters',
        }),
      description: z
        .string({ error: 'must be text' })
        .max(500, { error: 'must be at most 500 characters' })
        .optional(),
      stream: z
        .string({ error: 'must be a Kinesis stream name' })
        .regex(STREAM_NAME_PATTERN, { error: 'must be a Kinesis stream name: 1–128 of [a-zA-Z0-9_.-]' }),
      decode: z.custom<FormatDecoder>(isDecoder, {
        error: 'must be a decoder such as json(), csv({...}) or accessLog()',
      }),
      filter: z
        .custom<(record: never) => boolean>((value) => typeof value === 'function', {
          error: 'must be a function (record) => boolean',
        })
        .optional(),
      groupBy: z
        .array(fieldPath, { error: "must be an array of field names such as ['ip'] ([] for one group)" })
        .max(MAX_GROUP_BY_FIELDS, { error: `must have at most ${MAX_GROUP_BY_FIELDS} fields` })
        .refine((fields) => new Set(fields).size === fields.length, { error: 'must not repeat a field' }),
      eventTime: z.unknown().superRefine((value, ctx) => {
        for (const issue of eventTimeProblems(value)) ctx.addIssue({ code: 'custom', ...issue });
      }),
      window: z.custom<WindowSpec>(isWindow, {
        error: 'must be tumbling(size) or hopping(size, advance)',
      }),
      metrics: z
        .record(z.string(), z.unknown(), {
          error: "must be an object of named metrics such as { requests: count(), bytes: sum('bytes') }",
        })
        .refine((metrics) => Object.keys(metrics).length > 0, { error: 'must define at least one metric' }),
      retention: duration(false),
      maxClockSkew: duration(true).optional(),
      flushEvery: duration(true)
        .superRefine((value, ctx) => {
          const ms = durationMs(value);
          if (ms === undefined) return; // reported by duration()
          if (ms % 1000 !== 0)
            ctx.addIssue({
              code: 'custom',
              input: value,
              message: "must be a whole number of seconds (Lambda's TumblingWindowInSeconds)",
            });
          else if (ms > MAX_FLUSH_EVERY_MS)
            ctx.addIssue({
              code: 'custom',
              input: value,
              message: "must be at most 900s, Lambda's limit for TumblingWindowInSeconds",
            });
        })
        .optional(),
      limits: z
        .object(LIMITS_SHAPE, { error: 'must be an object such as { maxRecordBytes: 1048576 }' })
        .strict()
        .optional(),
      rankBy: z
        .array(z.string({ error: 'must be a metric name' }), {
          error: "must be an array of metric names such as ['requests']",
        })
        .max(MAX_RANK_BY, { error: `must name at most ${MAX_RANK_BY} metrics (each is a DynamoDB index)` })
        .optional(),
    },
    {
      error:
        'must be an object: definePipeline({ name, stream, decode, groupBy, eventTime, window, metrics, retention })',
    },
  )
  .strict();

/** The options `definePipeline` knows, for messages about unknown ones. */
export const PIPELINE_OPTIONS: readonly string[] = Object.keys(pipelineInputSchema.shape);
