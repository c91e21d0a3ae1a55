import type { Fields, FieldValue } from '../record/types.ts';
import { describeValue } from '../rejection/describeValue.ts';
import { compileFieldPath } from './fieldPath.ts';
import { MetricProblem } from './MetricProblem.ts';
import { type FieldMetricOptions, SKIP, type Skip } from './types.ts';

const typeName = (value: FieldValue): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/**
 * The reader of one field: applies `where`, the `missing` policy, and `accept`, which turns a present value
 * into the metric's input, or a problem, or `undefined` when the value has the wrong type.
 */
const fieldReader = <T>(
  field: string,
  options: FieldMetricOptions,
  expected: string,
  accept: (value: FieldValue) => T | MetricProblem | undefined,
): ((record: Fields) => T | Skip | MetricProblem) => {
  const get = compileFieldPath(field);
  const where = options.where;
  const skipMissing = options.missing === 'skip';
  return (record) => {
    if (where !== undefined && !where(record)) return SKIP;
    const value = get(record);
    if (value === undefined || value === null) {
      if (skipMissing) return SKIP;
      return new MetricProblem('missing-field', `Field "${field}" is ${value === null ? 'null' : 'missing'}`);
    }
    const input = accept(value);
    if (input !== undefined) return input;
    return new MetricProblem(
      'invalid-field-type',
      `Field "${field}" must be ${expected}, got ${typeName(value)} ${describeValue(value, 40)}`,
    );
  };
};

/**
 * Builds the reader of a numeric field: a finite number, {@link SKIP}, or a problem naming the field and value.
 *
 * @example
 * const read = numberReader('price', {});
 * read({ price: 3 }); // 3
 */
export const numberReader = (
  field: string,
  options: FieldMetricOptions,
): ((record: Fields) => number | Skip | MetricProblem) =>
  fieldReader(field, options, 'a number', (value) => {
    if (typeof value !== 'number') return undefined;
    if (Number.isFinite(value)) return value;
    return new MetricProblem('invalid-number', `Field "${field}" is not a finite number (${value})`);
  });

/**
 * Builds the reader of a field used as a category (distinct, top-k): strings as they are, numbers and
 * booleans as their text; objects and arrays are a problem.
 *
 * @example
 * stringReader('path', {})({ path: '/a' }); // '/a'
 */
export const stringReader = (
  field: string,
  options: FieldMetricOptions,
): ((record: Fields) => string | Skip | MetricProblem) =>
  fieldReader(field, options, 'a string, number or boolean', (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  });
