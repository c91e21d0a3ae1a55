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
  METRIC_NAME_PATTERN,
  PIPELINE_NAME_PATTERN,
  RESERVED_METRIC_NAMES,
  STREAM_NAME_PATTERN,
} from './constants.ts';

const show = (value: unknown): string => {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'nothing';
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return String(value);
  }
};

/** Zod refinement for a {@link Duration} that must be positive (or, with `allowZero`, non-negative). */
const duration = (allowZero: boolean) =>
  z.union([z.string(), z.number()]).superRefine((value, ctx) => {
    try {
      const ms = parseDuration(value);
      if (!allowZero && ms === 0)
        ctx.addIssue({ code: 'custom', message: `must be longer than 0 (given ${show(value)})` });
    } catch (error) {
      if (!(error instanceof TimeFormatError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  });

const fieldPath = z
  .string({ error: (issue) => `must be a field name (given ${show(issue.input)})` })
  .min(1, { error: 'must not be empty' })
  .refine((path) => !path.split('.').includes(''), {
    error: (issue) => `is not a valid field path (given ${show(issue.input)})`,
  });

const isDecoder = (value: unknown): value is FormatDecoder =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as FormatDecoder).format === 'string' &&
  typeof (value as FormatDecoder).decode === 'function';

const isMetric = (value: unknown): value is AnyMetric =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AnyMetric).kind === 'string' &&
  typeof (value as AnyMetric).input === 'function' &&
  typeof (value as AnyMetric).empty === 'function';

const isWindow = (value: unknown): value is WindowSpec =>
  typeof value === 'object' &&
  value !== null &&
  ((value as WindowSpec).kind === 'tumbling' || (value as WindowSpec).kind === 'hopping') &&
  typeof (value as WindowSpec).sizeMs === 'number';

/** The shape of {@link PipelineInput}; cross-field rules are checked in `definePipeline`. */
export const pipelineInputSchema = z
  .object({
    name: z.string().regex(PIPELINE_NAME_PATTERN, {
      error: (issue) =>
        `must be lower-case letters, digits and dashes, starting with a letter, at most 48 characters (given ${show(issue.input)})`,
    }),
    description: z.string().max(500).optional(),
    stream: z.string().regex(STREAM_NAME_PATTERN, {
      error: (issue) => `must be a Kinesis stream name: 1–128 of [a-zA-Z0-9_.-] (given ${show(issue.input)})`,
    }),
    decode: z.custom<FormatDecoder>(isDecoder, {
      error: (issue) =>
        `must be a decoder such as json(), csv({...}) or accessLog() (given ${show(issue.input)})`,
    }),
    filter: z
      .custom<(record: never) => boolean>((value) => typeof value === 'function', {
        error: (issue) => `must be a function (record) => boolean (given ${show(issue.input)})`,
      })
      .optional(),
    groupBy: z
      .array(fieldPath, { error: (issue) => `must be an array of field names (given ${show(issue.input)})` })
      .max(MAX_GROUP_BY_FIELDS, { error: `must have at most ${MAX_GROUP_BY_FIELDS} fields` })
      .refine((fields) => new Set(fields).size === fields.length, {
        error: (issue) => `must not repeat a field (given ${show(issue.input)})`,
      }),
    eventTime: z.union(
      [
        z.literal('arrival'),
        fieldPath,
        z.object({
          field: fieldPath,
          format: z.enum(TIMESTAMP_FORMATS as [string, ...string[]], {
            error: (issue) => `must be one of ${TIMESTAMP_FORMATS.join(', ')} (given ${show(issue.input)})`,
          }),
        }),
      ],
      {
        error: (issue) =>
          `must be 'arrival', a field name, or { field, format } (given ${show(issue.input)})`,
      },
    ),
    window: z.custom<WindowSpec>(isWindow, {
      error: (issue) => `must be tumbling(size) or hopping(size, advance) (given ${show(issue.input)})`,
    }),
    metrics: z
      .record(
        z.string(),
        z.custom<AnyMetric>(isMetric, {
          error: (issue) => `must be a metric such as count(), sum('field') (given ${show(issue.input)})`,
        }),
      )
      .refine((metrics) => Object.keys(metrics).length > 0, { error: 'must define at least one metric' })
      .superRefine((metrics, ctx) => {
        for (const name of Object.keys(metrics)) {
          if (!METRIC_NAME_PATTERN.test(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `metric name must be a letter then letters, digits or _, at most 64 characters (given ${show(name)})`,
            });
          } else if (RESERVED_METRIC_NAMES.includes(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `"${name}" is reserved for the results item; choose another metric name`,
            });
          }
        }
      }),
    retention: duration(false),
    maxClockSkew: duration(true).optional(),
    flushEvery: duration(true)
      .superRefine((value, ctx) => {
        let ms: number;
        try {
          ms = parseDuration(value);
        } catch {
          return; // reported by duration()
        }
        if (ms % 1000 !== 0)
          ctx.addIssue({
            code: 'custom',
            message: `must be a whole number of seconds (Lambda's TumblingWindowInSeconds) (given ${show(value)})`,
          });
        else if (ms > MAX_FLUSH_EVERY_MS)
          ctx.addIssue({
            code: 'custom',
            message: `must be at most 900s, Lambda's limit for TumblingWindowInSeconds (given ${show(value)})`,
          });
      })
      .optional(),
    limits: z
      .object({
        maxRecordBytes: z.number().int().positive().max(10_485_760).optional(),
        maxDecompressedBytes: z.number().int().positive().max(104_857_600).optional(),
      })
      .strict()
      .optional(),
    rankBy: z
      .array(z.string(), {
        error: (issue) => `must be an array of metric names (given ${show(issue.input)})`,
      })
      .max(MAX_RANK_BY, { error: `must name at most ${MAX_RANK_BY} metrics (each is a DynamoDB index)` })
      .optional(),
  })
  .strict();

export { show as showValue };
