import { Command, CommanderError } from 'commander';
import { registerQuery } from '../../cli/commands/query.ts';
import type { CommandIo } from '../../cli/commands/queryCommon.ts';
import { registerTop } from '../../cli/commands/top.ts';

/**
 * Runs `streamfold query|top <args>` in process, wired as `cli/main.ts` wires them, and captures what
 * they print: `out` is standard output; `err` the notes they write to standard error (one line each)
 * and a usage error from commander as `[code]`. Errors the commands throw (`UsageError` and the rest)
 * are thrown.
 */
export const runQueryCommands = async (
  args: readonly string[],
  io: CommandIo = {},
): Promise<{ out: string; err: string }> => {
  let out = '';
  let err = '';
  const program = new Command('streamfold').exitOverride().configureOutput({
    writeOut: (text) => {
      out += text;
    },
    writeErr: (text) => {
      err += text;
    },
  });
  const commandIo: CommandIo = {
    write: (text) => {
      out += text;
    },
    columns: 60,
    progress: () => {},
    notice: (line) => {
      err += `${line}\n`;
    },
    ...io,
  };
  registerQuery(program, commandIo);
  registerTop(program, commandIo);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { out, err: `${err}[${error.code}]` };
    throw error;
  }
  return { out, err };
};
