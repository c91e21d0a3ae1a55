import type { DecodedFields } from '../decode/types.ts';
import { describeGiven } from '../metrics/OptionProblem.ts';
import type { AnyMetric } from '../metrics/types.ts';
import { NUMERIC_METRIC_KINDS } from './constants.ts';
import type { DefinitionProblem } from './errors.ts';

/** Where a definition reads a field: the problem's path and the field. */
export interface FieldUse {
  readonly path: string;
  readonly field: string;
  /** The metric that reads it as a number, if one does. */
  readonly numericMetric?: AnyMetric;
  /** The event-time format that reads it as text (`iso`, `clf`), if one does. */
  readonly textFormat?: string;
}

/**
 * Where a definition reads fields: `groupBy`, the `eventTime` field, and each metric's fields (with the
 * metric when it reads numbers). Metric fields are named as the metric's arguments are.
 *
 * @example
 * fieldUses(['ip'], 'time', { bytes: sum('bytes') });
 * // [{ path: 'groupBy.0', field: 'ip' }, { path: 'eventTime', field: 'time' }, { path: 'metrics.bytes.field', field: 'bytes', numericMetric: … }]
 */
export const fieldUses = (
  groupBy: readonly string[],
  eventTime: unknown,
  metrics: Readonly<Record<string, AnyMetric>>,
): FieldUse[] => {
  const uses: FieldUse[] = groupBy.map((field, i) => ({ path: `groupBy.${i}`, field }));
  if (typeof eventTime === 'string' && eventTime !== 'arrival')
    uses.push({ path: 'eventTime', field: eventTime, textFormat: 'iso' });
  else if (typeof eventTime === 'object' && eventTime !== null) {
    const { field, format } = eventTime as { field?: unknown; format?: unknown };
    const text = format === 'iso' || format === 'clf';
    if (typeof field === 'string')
      uses.push({ path: 'eventTime.field', field, ...(text ? { textFormat: format } : {}) });
  }
  for (const [name, metric] of Object.entries(metrics)) {
    const numeric = NUMERIC_METRIC_KINDS.includes(metric.kind);
    const argumentNames = metric.kind === 'weightedMean' ? ['valueField', 'weightField'] : ['field'];
    metric.fields.forEach((field, i) => {
      uses.push({
        path: `metrics.${name}.${argumentNames[i] ?? `field${i}`}`,
        field,
        ...(numeric ? { numericMetric: metric } : {}),
      });
    });
  }
  return uses;
};

/**
 * Fields a definition reads that its decoder never produces, numeric metrics over fields the decoder
 * decodes as text, and a text event-time format (`iso`, `clf`) over a field it decodes as a number: each
 * would reject every record at fold time, so it is a problem of the definition.
 *
 * @example
 * fieldProblems('csv', csv({ columns: ['a', 'b'] }).fields!, [{ path: 'metrics.m.field', field: 'c' }]);
 * // [{ path: 'metrics.m.field', message: 'csv records have no field "c" (fields: a, b)', given: '"c"' }]
 */
export const fieldProblems = (
  format: string,
  fields: DecodedFields,
  uses: readonly FieldUse[],
): DefinitionProblem[] =>
  uses.flatMap(({ path, field, numericMetric, textFormat }): DefinitionProblem[] => {
    const given = describeGiven(field);
    if (fields.names !== undefined && !fields.names.includes(field)) {
      return [
        {
          path,
          message: `${format} records have no field "${field}" (fields: ${fields.names.join(', ')})`,
          given,
        },
      ];
    }
    if (numericMetric !== undefined && !fields.numeric.includes(field)) {
      const fix =
        format === 'csv'
          ? `declare its type: csv({ types: { ${field}: 'number' } })`
          : `numeric fields: ${fields.numeric.join(', ')}`;
      return [
        {
          path,
          message: `${numericMetric.kind} reads numbers, but ${format} decodes "${field}" as text, so every record would be rejected; ${fix}`,
          given,
        },
      ];
    }
    if (textFormat !== undefined && fields.numeric.includes(field)) {
      return [
        {
          path,
          message: `format '${textFormat}' reads text, but ${format} decodes "${field}" as a number, so every record would be rejected; use format 'epoch-seconds' or 'epoch-millis'`,
          given,
        },
      ];
    }
    return [];
  });
