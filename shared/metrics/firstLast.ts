import type { ByteReader } from '../codec/ByteReader.ts';
import type { ByteWriter } from '../codec/ByteWriter.ts';
import { checkField, FIELD_METRIC_OPTIONS, fieldLabel, optionsCheck } from './checkArguments.ts';
import { invalidMetric } from './invalidMetric.ts';
import { MetricProblem } from './MetricProblem.ts';
import { numberReader } from './readers.ts';
import { lessThan } from './totalOrder.ts';
import { type FieldMetricOptions, type Metric, SKIP } from './types.ts';

/** State of {@link first} and {@link last}: the chosen value and its event time. */
export interface FirstLastState {
  has: boolean;
  timeMs: number;
  value: number;
}

const encode = (state: FirstLastState, out: ByteWriter): void => {
  out.byte(state.has ? 1 : 0);
  if (state.has) out.float64(state.timeMs).float64(state.value);
};

const decode = (input: ByteReader): FirstLastState => {
  const has = input.byte() === 1;
  return has ? { has, timeMs: input.float64(), value: input.float64() } : { has, timeMs: 0, value: 0 };
};

const CHECK_OPTIONS = {
  first: optionsCheck('first', FIELD_METRIC_OPTIONS, "{ missing: 'skip' }"),
  last: optionsCheck('last', FIELD_METRIC_OPTIONS, "{ missing: 'skip' }"),
} as const;

const build = (
  kind: 'first' | 'last',
  field: string,
  options: FieldMetricOptions,
): Metric<FirstLastState, readonly [number, number], number | null> => {
  const problems = [...checkField('field', field), ...CHECK_OPTIONS[kind](options)];
  if (problems.length > 0) return invalidMetric(kind, `${kind}(${fieldLabel(field)})`, problems);
  const read = numberReader(field, options);
  // Ties on event time are broken by value (first keeps the smaller, last the larger), so the choice is
  // the same whatever order records arrive or states merge in.
  const wins =
    kind === 'first'
      ? (t: number, v: number, s: FirstLastState) => t < s.timeMs || (t === s.timeMs && lessThan(v, s.value))
      : (t: number, v: number, s: FirstLastState) => t > s.timeMs || (t === s.timeMs && lessThan(s.value, v));
  const offer = (state: FirstLastState, timeMs: number, value: number): void => {
    if (!state.has || wins(timeMs, value, state)) {
      state.has = true;
      state.timeMs = timeMs;
      state.value = value;
    }
  };
  return {
    kind,
    fields: [field],
    description: `${kind}(${field})`,
    input: (record, eventMs) => {
      const value = read(record);
      if (value === SKIP || value instanceof MetricProblem) return value;
      return [eventMs, value] as const;
    },
    empty: () => ({ has: false, timeMs: 0, value: 0 }),
    add: (state, [timeMs, value]) => offer(state, timeMs, value),
    mergeInto: (target, source) => {
      if (source.has) offer(target, source.timeMs, source.value);
    },
    clone: (state) => ({ ...state }),
    encode,
    decode,
    result: (state) => (state.has ? state.value : null),
  };
};

/**
 * Value of a numeric field at the earliest event time in the window (e.g. the open price); `null` when empty.
 * Encoding: 1 or 17 bytes.
 *
 * @example
 * metrics: { open: first('price') }
 */
export const first = (
  field: string,
  options: FieldMetricOptions = {},
): Metric<FirstLastState, readonly [number, number], number | null> => build('first', field, options);

/**
 * Value of a numeric field at the latest event time in the window (e.g. the close price); `null` when empty.
 * Encoding: 1 or 17 bytes.
 *
 * @example
 * metrics: { close: last('price') }
 */
export const last = (
  field: string,
  options: FieldMetricOptions = {},
): Metric<FirstLastState, readonly [number, number], number | null> => build('last', field, options);
