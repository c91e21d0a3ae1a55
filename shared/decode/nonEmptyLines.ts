const CR = 13;

/** The lines of a payload, with the index of each among all its lines. */
export interface PayloadLines {
  readonly texts: string[];
  /** 0-based index of each kept line among all lines of the payload (empty ones included). */
  readonly indexes: number[];
}

/**
 * The payload's lines without their line breaks (`\n` or `\r\n`), with empty lines left out.
 *
 * @example
 * nonEmptyLines('a\r\n\nb'); // { texts: ['a', 'b'], indexes: [0, 2] }
 */
export const nonEmptyLines = (text: string): PayloadLines => {
  const texts: string[] = [];
  const indexes: number[] = [];
  const length = text.length;
  let start = 0;
  let index = 0;
  while (start <= length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    const contentEnd = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (contentEnd > start) {
      texts.push(text.slice(start, contentEnd));
      indexes.push(index);
    }
    index++;
    start = end + 1;
  }
  return { texts, indexes };
};
