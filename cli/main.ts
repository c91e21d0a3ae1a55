import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CodecError } from '../shared/codec/errors.ts';
import { ConfigError } from '../shared/config/errors.ts';
import { DefinitionError } from '../shared/definition/errors.ts';
import { registerDashboard } from './commands/dashboard.ts';
import { registerDeadLetters } from './commands/deadLetters.ts';
import { registerDev } from './commands/dev.ts';
import { registerFold } from './commands/fold.ts';
import { registerInit } from './commands/init.ts';
import { registerProduce } from './commands/produce.ts';
import { registerQuery } from './commands/query.ts';
import { registerRedrive } from './commands/redrive.ts';
import { registerReplay } from './commands/replay.ts';
import { registerTop } from './commands/top.ts';
import { EXIT, UsageError } from './errors.ts';
import { addExitStatusHelp } from './exitStatus.ts';

/**
 * Builds the `streamfold` command-line program.
 *
 * @example
 * await buildProgram().parseAsync(process.argv);
 */
export const buildProgram = (): Command => {
  const program = new Command('streamfold')
    .description('Real-time windowed analytics on AWS: Kinesis -> Lambda -> DynamoDB, exactly once')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .option(
      '--config <file>',
      'the config file listing your pipelines (default: the nearest streamfold.config.ts|.js|.mjs from the current directory, else the built-in examples)',
    )
    .exitOverride();
  // Every command resolves pipeline names through loadPipeline, which reads STREAMFOLD_CONFIG: one way to
  // find pipelines, whichever command (and the local handler workers, which inherit it).
  program.hook('preAction', (thisCommand) => {
    const config = thisCommand.opts<{ config?: string }>().config;
    if (config !== undefined) process.env.STREAMFOLD_CONFIG = resolve(config);
  });
  registerDev(program);
  registerDashboard(program);
  registerFold(program);
  registerInit(program);
  registerProduce(program);
  registerQuery(program);
  registerTop(program);
  registerDeadLetters(program);
  registerReplay(program);
  registerRedrive(program);
  addExitStatusHelp(program);
  for (const command of program.commands) command.exitOverride();
  return program;
};

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 runtime failure, 2 usage error (130, interrupted, is
 * left to the commands that handle Ctrl-C, and to the signal otherwise).
 * User mistakes print one clear line, never a stack trace (set `STREAMFOLD_DEBUG=1` to see it).
 *
 * @example
 * process.exitCode = await runCli(process.argv);
 */
export const runCli = async (argv: readonly string[]): Promise<number> => {
  try {
    await buildProgram().parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT.ok;
      }
      return EXIT.usage; // commander already printed the message
    }
    if (error instanceof UsageError || error instanceof DefinitionError || error instanceof ConfigError) {
      process.stderr.write(`streamfold: ${error.message}\n`);
      return EXIT.usage;
    }
    const message = error instanceof CodecError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`streamfold: ${message}\n`);
    if (process.env.STREAMFOLD_DEBUG === '1' && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return EXIT.failure;
  }
};
