#!/usr/bin/env node
// Launcher: registers the TypeScript loader (tsx) and runs the CLI from source.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv);
