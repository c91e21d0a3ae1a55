/** Default number of characters kept by {@link excerpt}. */
export const EXCERPT_LENGTH = 120;

const lenientDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * A short printable excerpt of untrusted input, for logs and dead letters: the first `maxLength`
 * characters, control characters escaped, and an ellipsis when the input was cut.
 * Bytes that are not UTF-8 show as U+FFFD.
 *
 * @example
 * excerpt('{"a":\n1'); // '{"a":\\n1'
 */
export const excerpt = (input: string | Uint8Array, maxLength = EXCERPT_LENGTH): string => {
  const text = typeof input === 'string' ? input : lenientDecoder.decode(input.subarray(0, maxLength * 4));
  const cut = text.length > maxLength || (typeof input !== 'string' && input.length > maxLength * 4);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  const head = text.slice(0, maxLength).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return cut ? `${head}…` : head;
};
