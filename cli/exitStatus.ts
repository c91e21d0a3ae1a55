import type { Command } from 'commander';
import { EXIT } from './errors.ts';

/** What exit statuses 0 and 1 mean for one command, and what makes it exit 130. */
interface ExitMeanings {
  readonly ok: string;
  readonly failure: string;
  readonly interrupted: string;
}

/**
 * Every command's exit statuses, in one place, so that `--help` of each lists the same codes in the same
 * words: 0 and 1 as the command means them, 2 usage error, 130 interrupted.
 */
const MEANINGS: Readonly<Record<string, ExitMeanings>> = {
  'dead-letters': {
    ok: 'letters printed (maybe none)',
    failure:
      'the table could not be read or the letter does not exist; no region or credentials; the endpoint is not DynamoDB, does not answer or cannot be reached',
    interrupted: 'Ctrl-C',
  },
  replay: {
    ok: 'every selected letter was replayed or reported (still rejected, late, unrecoverable: see the report)',
    failure:
      'some letters could not be written (they stay unmarked: run replay again), another replay holds the lock, or a table could not be read',
    interrupted:
      'Ctrl-C: stops after the chunk in hand, prints the report; a rerun resumes, counting nothing twice; a second Ctrl-C quits at once',
  },
  redrive: {
    ok: 'every message of the on-failure queue was applied and deleted (maybe none)',
    failure:
      'some ranges are no longer retained by the stream or could not be applied (their messages are kept); the queue, stream or tables could not be read',
    interrupted:
      'Ctrl-C: stops after the range in hand, prints the report; the rest stays queued; a second Ctrl-C quits at once',
  },
  dashboard: {
    ok: 'stopped (Ctrl-C)',
    failure:
      'a results table could not be read before serving: missing; no region or credentials; the endpoint is not DynamoDB, does not answer or cannot be reached; or the port is in use',
    interrupted: 'a second Ctrl-C while it stops',
  },
  dev: {
    ok: 'stopped (Ctrl-C, --duration, or --count records drained)',
    failure: 'the local stack failed',
    interrupted: 'a second Ctrl-C, which quits without stopping cleanly',
  },
  fold: {
    ok: 'folded (rejected and late records are part of the result)',
    failure: 'the input or the pipeline module could not be read',
    interrupted: 'Ctrl-C',
  },
  produce: {
    ok: 'every record was put (also after a first Ctrl-C, which stops reading and puts what is buffered)',
    failure:
      'some records were not put (after retries; the summary says why); no region or credentials; the endpoint is not Kinesis, does not answer or cannot be reached',
    interrupted: 'a second Ctrl-C, which quits without putting what is buffered',
  },
  query: {
    ok: 'results printed (maybe none)',
    failure:
      'the table could not be read: missing; no region or credentials; the endpoint is not DynamoDB, does not answer or cannot be reached',
    interrupted: 'Ctrl-C',
  },
  top: {
    ok: 'results printed (maybe none)',
    failure:
      'the table could not be read: missing; no region or credentials; the endpoint is not DynamoDB, does not answer or cannot be reached',
    interrupted: 'Ctrl-C',
  },
};

/** The status line of the program's own help. */
const PROGRAM_LINE = `Exit status: ${EXIT.ok} ok, ${EXIT.failure} failure, ${EXIT.usage} usage error, ${EXIT.interrupted} interrupted (Ctrl-C); each command's --help says what they mean for it.`;

/**
 * The "Exit status:" block of a command's help: one line per status.
 *
 * @example
 * exitStatusHelp('query'); // 'Exit status:\n  0    results printed (maybe none)\n  1    …\n  2    usage error\n  130  interrupted (Ctrl-C)'
 */
export const exitStatusHelp = (commandName: string): string => {
  const meanings = MEANINGS[commandName];
  if (meanings === undefined) return PROGRAM_LINE;
  return [
    'Exit status:',
    `  ${EXIT.ok}    ${meanings.ok}`,
    `  ${EXIT.failure}    ${meanings.failure}`,
    `  ${EXIT.usage}    usage error (one line saying what was wrong)`,
    `  ${EXIT.interrupted}  interrupted (${meanings.interrupted})`,
  ].join('\n');
};

/**
 * Ends the help of the program and of each of its commands with its exit-status line.
 *
 * @example
 * addExitStatusHelp(program);
 */
export const addExitStatusHelp = (program: Command): void => {
  program.addHelpText('after', `\n${PROGRAM_LINE}`);
  for (const command of program.commands) command.addHelpText('after', `\n${exitStatusHelp(command.name())}`);
};
