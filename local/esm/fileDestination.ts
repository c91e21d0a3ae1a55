import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { OnFailureDestination } from './types.ts';

/**
 * An on-failure destination that appends each record as one JSON line to a file (the local stand-in for
 * the SQS queue the construct creates). Missing folders are created.
 *
 * @param path - File to append to, relative to the current directory or absolute.
 * @example
 * ```ts
 * const destination = fileDestination('.streamfold/on-failure.jsonl');
 * ```
 */
export const fileDestination = (path: string): OnFailureDestination => {
  const file = resolve(path);
  let ready: Promise<unknown> | undefined;
  return {
    send: async (record) => {
      ready ??= mkdir(dirname(file), { recursive: true });
      await ready;
      await appendFile(file, `${JSON.stringify(record)}\n`, 'utf8');
    },
  };
};
