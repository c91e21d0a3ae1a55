import type { ByteReader } from '../codec/ByteReader.ts';
import type { ByteWriter } from '../codec/ByteWriter.ts';
import { checkField, FIELD_METRIC_OPTIONS, fieldLabel, optionsCheck } from './checkArguments.ts';
import { invalidMetric } from './invalidMetric.ts';
import { numberReader } from './readers.ts';
import { lessThan } from './totalOrder.ts';
import type { FieldMetricOptions, Metric } from './types.ts';

/** State of {@link min} and {@link max}: `has` is false until a value is seen. */
export interface ExtremeState {
  has: boolean;
  value: number;
}

const encode = (state: ExtremeState, out: ByteWriter): void => {
  out.byte(state.has ? 1 : 0);
  if (state.has) out.float64(state.value);
};

const decode = (input: ByteReader): ExtremeState => {
  const has = input.byte() === 1;
  return { has, value: has ? input.float64() : 0 };
};

const CHECK_OPTIONS = {
  min: optionsCheck('min', FIELD_METRIC_OPTIONS, "{ missing: 'skip' }"),
  max: optionsCheck('max', FIELD_METRIC_OPTIONS, "{ missing: 'skip' }"),
} as const;

const extreme = (
  kind: 'min' | 'max',
  field: string,
  options: FieldMetricOptions,
): Metric<ExtremeState, number, number | null> => {
  const problems = [...checkField('field', field), ...CHECK_OPTIONS[kind](options)];
  if (problems.length > 0) return invalidMetric(kind, `${kind}(${fieldLabel(field)})`, problems);
  const better = kind === 'min' ? lessThan : (a: number, b: number) => lessThan(b, a);
  const offer = (state: ExtremeState, value: number): void => {
    if (!state.has || better(value, state.value)) {
      state.has = true;
      state.value = value;
    }
  };
  return {
    kind,
    fields: [field],
    description: `${kind}(${field})`,
    input: numberReader(field, options),
    empty: () => ({ has: false, value: 0 }),
    add: offer,
    mergeInto: (target, source) => {
      if (source.has) offer(target, source.value);
    },
    clone: (state) => ({ has: state.has, value: state.value }),
    encode,
    decode,
    result: (state) => (state.has ? state.value : null),
  };
};

/**
 * Smallest value of a numeric field; `null` for an empty window. Encoding: 1 or 9 bytes.
 *
 * @example
 * metrics: { low: min('price') }
 */
export const min = (
  field: string,
  options: FieldMetricOptions = {},
): Metric<ExtremeState, number, number | null> => extreme('min', field, options);

/**
 * Largest value of a numeric field; `null` for an empty window. Encoding: 1 or 9 bytes.
 *
 * @example
 * metrics: { high: max('price') }
 */
export const max = (
  field: string,
  options: FieldMetricOptions = {},
): Metric<ExtremeState, number, number | null> => extreme('max', field, options);
