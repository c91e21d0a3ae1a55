#!/usr/bin/env node
// Launcher. In a checkout (the TypeScript sources beside it) it registers the TypeScript loader (tsx) and
// runs the CLI from source; in the installed package it runs the compiled CLI, no loader needed.
import { existsSync } from 'node:fs';

// A closed pipe (`streamfold query … | head`) ends the command quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const fromSource = existsSync(new URL('../cli/main.ts', import.meta.url));
if (fromSource) (await import('tsx/esm/api')).register();
const root = fromSource ? '..' : '../dist';
const extension = fromSource ? 'ts' : 'js';
const { quietNodeVersionWarning } = await import(
  `${root}/shared/runtime/quietNodeVersionWarning.${extension}`
);
quietNodeVersionWarning();
const { runCli } = await import(`${root}/cli/main.${extension}`);
process.exitCode = await runCli(process.argv);
