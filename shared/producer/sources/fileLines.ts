import { createReadStream } from 'node:fs';
import { LineSplitter, type LineSplitterOptions } from './LineSplitter.ts';

/**
 * The lines of a file, of standard input (`'-'`), or of any readable byte stream, read as a stream (the
 * input is never held in memory whole): one line per record, LF or CRLF breaks, empty lines skipped unless
 * `skipEmpty` is false. Errors of the input (a missing file: `ENOENT`) are thrown by the iteration.
 *
 * @example
 * for await (const line of fileLines('access.log')) await producer.put({ data: line });
 */
export async function* fileLines(
  input: string | AsyncIterable<Uint8Array | string>,
  options: LineSplitterOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const stream: AsyncIterable<Uint8Array | string> =
    typeof input !== 'string' ? input : input === '-' ? process.stdin : createReadStream(input);
  const splitter = new LineSplitter(options);
  for await (const chunk of stream) {
    yield* splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }
  yield* splitter.end();
}
