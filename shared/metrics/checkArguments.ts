import { z } from 'zod';
import { describeGiven, type OptionProblem } from './OptionProblem.ts';
import type { Predicate } from './types.ts';

const FIELD_FORM = "a field name or dotted path such as 'bytes' or 'request.path'";

/**
 * Checks a field argument of a metric: a non-empty field name, dotted paths allowed (`'request.path'`).
 *
 * @example
 * checkField('field', ''); // [{ path: ['field'], message: 'must be a field name …', given: '""' }]
 */
export const checkField = (argument: string, value: unknown): OptionProblem[] => {
  if (typeof value === 'string' && value !== '' && !value.split('.').includes('')) return [];
  return [{ path: [argument], message: `must be ${FIELD_FORM}`, given: describeGiven(value) }];
};

/**
 * Describes a field argument for a metric's description, whatever was given: `'bytes'` → `bytes`.
 *
 * @example
 * fieldLabel(42); // '42'
 */
export const fieldLabel = (value: unknown): string =>
  typeof value === 'string' ? value : describeGiven(value);

/** `where`: a record predicate. */
export const whereOption = z.custom<Predicate>((value) => typeof value === 'function', {
  error: 'must be a function (record) => boolean',
});

/** `missing`: what to do with a record that lacks the field. */
export const missingOption = z.enum(['reject', 'skip'], { error: "must be 'reject' or 'skip'" });

/** The options every metric accepts. */
export const METRIC_OPTIONS = { where: whereOption.optional() } as const;

/** The options every metric that reads a field accepts. */
export const FIELD_METRIC_OPTIONS = { ...METRIC_OPTIONS, missing: missingOption.optional() } as const;

/** Checks an options bag and returns every problem (an empty list when it is fine). */
export type OptionsCheck = (options: unknown) => OptionProblem[];

/**
 * Builds the check of one metric's options bag: an object with only the given options, each of the
 * right form. Unknown options are problems too (a misspelt `percentile` must not be ignored).
 *
 * @example
 * const check = optionsCheck('sum', FIELD_METRIC_OPTIONS, "{ missing: 'skip' }");
 * check({ mising: 'skip' }); // [{ path: ['mising'], message: 'is not an option of sum() …', given: '"skip"' }]
 */
export const optionsCheck = (kind: string, shape: z.core.$ZodLooseShape, example: string): OptionsCheck => {
  const names = Object.keys(shape);
  const schema = z.object(shape, { error: `must be an object of options such as ${example}` }).strict();
  return (options) => {
    const parsed = schema.safeParse(options, { reportInput: true });
    if (parsed.success) return [];
    return parsed.error.issues.flatMap((issue): OptionProblem[] => {
      if (issue.code === 'unrecognized_keys') {
        const bag = options as Record<string, unknown>;
        return issue.keys.map((key) => ({
          path: [...issue.path.map(pathPart), key],
          message: `is not an option of ${kind}() (its options: ${names.join(', ')})`,
          given: describeGiven(bag[key]),
        }));
      }
      return [
        {
          path: issue.path.length === 0 ? ['options'] : issue.path.map(pathPart),
          message: issue.message,
          given: describeGiven(issue.input),
        },
      ];
    });
  };
};

const pathPart = (part: PropertyKey): string | number => (typeof part === 'number' ? part : String(part));
