import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most suites wait on child processes (kinesis-local, dev, chromium) rather than compute: on a 2-core
    // machine vitest's default (cores - 1) runs them one by one. Two files at a time at least.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['test/setup/quietNodeVersionWarning.ts'],
  },
});
