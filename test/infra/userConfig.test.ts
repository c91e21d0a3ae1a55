import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundlingSetupError } from '../../infra/constructs/errors.ts';
import { handlerEntries } from '../../infra/constructs/handlerEntries.ts';
import { StreamAggregation } from '../../infra/constructs/StreamAggregation.ts';
import { runStreamfoldApp } from '../../infra/runStreamfoldApp.ts';
import { loadCatalog } from '../../shared/config/loadCatalog.ts';
import { ohlc } from '../../shared/examples/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARED = join(ROOT, 'shared', 'index.ts');

const CONFIG = `import { count, defineConfig, definePipeline, json, tumbling } from ${JSON.stringify(SHARED)};

export const actions = definePipeline({
  name: 'actions',
  stream: 'actions',
  decode: json(),
  groupBy: ['user'],
  eventTime: 'time',
  window: tumbling('1m'),
  metrics: { actions: count() },
  retention: '7d',
});

export default defineConfig({ pipelines: [actions] });
`;

describe('StreamAggregation with a user config', () => {
  let project: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'streamfold-cdk-'));
    writeFileSync(join(project, 'streamfold.config.ts'), CONFIG);
    writeFileSync(join(project, 'package-lock.json'), '{}');
  });

  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
  });

  it('writes handler entries that import the config and the handler factories, under the project', () => {
    // Act
    const entries = handlerEntries(join(project, 'streamfold.config.ts'), project);

    // Assess
    expect(entries.projectRoot).toBe(project);
    expect(entries.depsLockFile).toBe(join(project, 'package-lock.json'));
    expect(entries.aggregate.startsWith(join(project, 'node_modules', '.cache', 'streamfold'))).toBe(true);
    const aggregate = readFileSync(entries.aggregate, 'utf8');
    expect(aggregate).toContain(
      `import * as configModule from ${JSON.stringify(join(project, 'streamfold.config.ts'))};`,
    );
    expect(aggregate).toContain(
      `import { createAggregateHandler } from ${JSON.stringify(join(ROOT, 'functions', 'lambda.ts'))};`,
    );
    expect(readFileSync(entries.finalize, 'utf8')).toContain(
      'export const handler = createFinalizeHandler(config);',
    );
    expect(handlerEntries(join(project, 'streamfold.config.ts'), project)).toStrictEqual(entries);
  });

  it('refuses to bundle without a lock file, saying what to run', () => {
    // Prepare
    const bare = mkdtempSync(join(tmpdir(), 'streamfold-nolock-'));

    // Act
    const entries = () => handlerEntries(join(bare, 'streamfold.config.ts'), bare);

    // Assess
    expect(entries).toThrow(BundlingSetupError);
    expect(entries).toThrow(
      `No lock file (package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lock) in ${bare} or above`,
    );
    rmSync(bare, { recursive: true, force: true });
  });

  it('refuses a definition the config does not list, naming the config file', async () => {
    // Prepare
    const catalog = await loadCatalog({ cwd: project, env: {} });
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');

    // Act
    const build = () => new StreamAggregation(stack, 'Ohlc', { definition: ohlc, pipelines: catalog });

    // Assess
    expect(build).toThrow(
      'Pipeline "ohlc": definition must be listed in streamfold.config.ts, where the deployed handler looks it up by PIPELINE_NAME (listed: actions) (given "ohlc")',
    );
  });

  it('runStreamfoldApp: a config that cannot be read is one line and exit 2, nothing synthesized', async () => {
    // Prepare
    const bad = join(project, 'bad.config.mjs');
    writeFileSync(bad, 'export const nothing = 1;\n');
    const stderr: string[] = [];
    const exits: number[] = [];

    // Act
    const app = await runStreamfoldApp({
      config: bad,
      env: {},
      io: {
        stderr: { write: (line: string) => stderr.push(line) > 0 },
        exit: (code) => exits.push(code),
        env: {},
      },
    });

    // Assess
    expect(app).toBeUndefined();
    expect(exits).toStrictEqual([2]);
    expect(stderr).toStrictEqual([
      `streamfold: ${bad} must export default defineConfig({ pipelines: [...] }) (or a named "pipelines" array); it exports: nothing\n`,
    ]);
  });
});
