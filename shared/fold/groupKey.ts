import { GROUP_KEY_SEPARATOR } from './constants.ts';

const escapeValue = (value: string): string =>
  value.includes('%') || value.includes(GROUP_KEY_SEPARATOR)
    ? value.replaceAll('%', '%25').replaceAll(GROUP_KEY_SEPARATOR, '%7C')
    : value;

/**
 * The canonical text of a group: values in `groupBy` order joined by `|`, with `%` and `|` inside values
 * percent-escaped. A single-field group's key is just its value (`203.0.113.9`), which keeps DynamoDB items
 * readable.
 *
 * @example
 * encodeGroupKey(['eu', 'a|b']); // 'eu|a%7Cb'
 */
export const encodeGroupKey = (values: readonly string[]): string =>
  values.length === 1 ? escapeValue(values[0] as string) : values.map(escapeValue).join(GROUP_KEY_SEPARATOR);

/**
 * Inverse of {@link encodeGroupKey}, given the number of group-by fields.
 *
 * @example
 * decodeGroupKey('eu|a%7Cb', 2); // ['eu', 'a|b']
 */
export const decodeGroupKey = (key: string, fieldCount: number): string[] => {
  if (fieldCount === 0) return [];
  const parts = key.split(GROUP_KEY_SEPARATOR);
  if (parts.length !== fieldCount) {
    throw new RangeError(
      `Group key ${JSON.stringify(key)} has ${parts.length} part(s), expected ${fieldCount}`,
    );
  }
  return parts.map((part) =>
    part.includes('%') ? part.replaceAll('%7C', GROUP_KEY_SEPARATOR).replaceAll('%25', '%') : part,
  );
};
