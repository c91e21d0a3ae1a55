import type { FieldValue } from '../record/types.ts';

/**
 * A field value quoted for a rejection message: its JSON, cut to `maxLength` characters with an ellipsis.
 *
 * @example
 * describeValue('12.5'); // '"12.5"'
 */
export const describeValue = (value: FieldValue, maxLength = 60): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
};
