import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.ts';

/**
 * Reads a whole file (or standard input for `-`) as bytes and splits it into lines (LF or CRLF).
 * A final empty line (the file's trailing newline) is not a line; empty lines elsewhere are kept.
 *
 * @example
 * const lines = await readLines('access.log');
 */
export const readLines = async (path: string): Promise<Buffer[]> => {
  let content: Buffer;
  try {
    content = path === '-' ? await readStdin() : await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`Input file not found: ${path}`);
    if (code === 'EISDIR') throw new UsageError(`Input is a directory, not a file: ${path}`);
    if (code === 'EACCES') throw new UsageError(`Input file is not readable: ${path}`);
    throw error;
  }
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, start)) {
    const end = i > start && content[i - 1] === 13 ? i - 1 : i;
    lines.push(content.subarray(start, end));
    start = i + 1;
  }
  if (start < content.length) lines.push(content.subarray(start));
  return lines;
};

const readStdin = async (): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
