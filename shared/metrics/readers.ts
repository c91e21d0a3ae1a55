import type { Fields, FieldValue } from '../record/types.ts';
import { compileFieldPath } from './fieldPath.ts';
import { MetricProblem } from './MetricProblem.ts';
import { type FieldMetricOptions, SKIP, type Skip } from './types.ts';

const describe = (value: FieldValue): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

const typeName = (value: FieldValue): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

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
): ((record: Fields) => number | Skip | MetricProblem) => {
  const get = compileFieldPath(field);
  const where = options.where;
  const skipMissing = options.missing === 'skip';
  return (record) => {
    if (where !== undefined && !where(record)) return SKIP;
    const value = get(record);
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
      return new MetricProblem('invalid-number', `Field "${field}" is not a finite number (${value})`);
    }
    if (value === undefined || value === null) {
      if (skipMissing) return SKIP;
      return new MetricProblem('missing-field', `Field "${field}" is ${value === null ? 'null' : 'missing'}`);
    }
    return new MetricProblem(
      'invalid-field-type',
      `Field "${field}" must be a number, got ${typeName(value)} ${describe(value)}`,
    );
  };
};

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
): ((record: Fields) => string | Skip | MetricProblem) => {
  const get = compileFieldPath(field);
  const where = options.where;
  const skipMissing = options.missing === 'skip';
  return (record) => {
    if (where !== undefined && !where(record)) return SKIP;
    const value = get(record);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === undefined || value === null) {
      if (skipMissing) return SKIP;
      return new MetricProblem('missing-field', `Field "${field}" is ${value === null ? 'null' : 'missing'}`);
    }
    return new MetricProblem(
      'invalid-field-type',
      `Field "${field}" must be a string, number or boolean, got ${typeName(value)} ${describe(value)}`,
    );
  };
};
