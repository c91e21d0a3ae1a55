import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { FailureNoticeError } from './errors.ts';
import { parseFailureNotice } from './parseFailureNotice.ts';
import type { FailureMessage, FailureQueue, UnreadableMessage } from './types.ts';

const readLines = async (path: string): Promise<string[]> => {
  try {
    return (await readFile(path, 'utf8')).split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

/**
 * The local runtime's on-failure destination (`.streamfold/on-failure/<pipeline>.jsonl`, one on-failure
 * record a line) read as a queue. The mapping keeps appending to the file while redrive reads it, so
 * nothing is rewritten: deleting a message appends its id (line number and digest) to `<file>.done`.
 * Like an SQS reader within the visibility timeout, one instance hands each message out once.
 *
 * @example
 * const queue = new FileFailureQueue('.streamfold/on-failure/ohlc.jsonl');
 */
export class FileFailureQueue implements FailureQueue {
  public readonly description: string;
  /** Like SQS's visibility timeout: a message is handed out once per reader. */
  private readonly handedOut = new Set<string>();

  public constructor(private readonly path: string) {
    this.description = `file ${path}`;
  }

  private get donePath(): string {
    return `${this.path}.done`;
  }

  /** A line that is not an on-failure record comes back unreadable (naming its line number). */
  public async receive(max: number): Promise<(FailureMessage | UnreadableMessage)[]> {
    const done = new Set((await readLines(this.donePath)).filter((l) => l !== ''));
    const lines = await readLines(this.path);
    const messages: (FailureMessage | UnreadableMessage)[] = [];
    for (let i = 0; i < lines.length && messages.length < max; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const id = `${i + 1}:${createHash('sha256').update(line).digest('hex').slice(0, 16)}`;
      if (done.has(id) || this.handedOut.has(id)) continue;
      this.handedOut.add(id);
      try {
        messages.push({ id, range: parseFailureNotice(line), handle: id });
      } catch (error) {
        if (!(error instanceof FailureNoticeError)) throw error;
        error.message = `${this.path} line ${i + 1}: ${error.message}`;
        messages.push({ id, handle: id, error });
      }
    }
    return messages;
  }

  public async delete(message: FailureMessage): Promise<void> {
    await appendFile(this.donePath, `${message.id}\n`, 'utf8');
  }
}
