#!/usr/bin/env node
// Launcher: registers the TypeScript loader (tsx) and runs the CLI from source.
import { register } from 'tsx/esm/api';

// A closed pipe (`streamfold query … | head`) ends the command quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

register();
const { quietNodeVersionWarning } = await import('../shared/runtime/quietNodeVersionWarning.ts');
quietNodeVersionWarning();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv);
