import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../cli/loadPipeline.ts';
import { ConfigError } from '../../shared/config/errors.ts';
import { findConfigFile } from '../../shared/config/findConfigFile.ts';
import { BUILT_IN_CONFIG, loadCatalog } from '../../shared/config/loadCatalog.ts';
import { EXAMPLE_PIPELINES } from '../../shared/examples/index.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';

const SHARED = fileURLToPath(new URL('../../shared/index.ts', import.meta.url));

/** A user's config outside this repository, with no package.json: the case that failed with `in a cycle`. */
const ACTIONS_CONFIG = `import { count, defineConfig, definePipeline, json, tumbling } from ${JSON.stringify(SHARED)};
import { checkout } from './pipelines/checkout.ts';

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

export default defineConfig({ pipelines: [actions, checkout], samples: { actions: 'actions.ndjson' } });
`;

const CHECKOUT = `import { count, definePipeline, json, tumbling } from ${JSON.stringify(SHARED)};

export const checkout = definePipeline({
  name: 'checkout',
  stream: 'checkouts',
  decode: json(),
  groupBy: ['country'],
  eventTime: 'time',
  window: tumbling('5m'),
  metrics: { orders: count() },
  retention: '7d',
});
`;

describe('Function: loadCatalog', () => {
  let project: string;
  let nested: string;
  let outside: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'streamfold-config-'));
    outside = mkdtempSync(join(tmpdir(), 'streamfold-none-'));
    nested = join(project, 'infra', 'deep');
    mkdirSync(nested, { recursive: true });
    mkdirSync(join(project, 'pipelines'));
    writeFileSync(join(project, 'streamfold.config.ts'), ACTIONS_CONFIG);
    writeFileSync(join(project, 'pipelines', 'checkout.ts'), CHECKOUT);
    writeFileSync(
      join(project, 'actions.ndjson'),
      '{"user":"ada","time":"2026-11-21T08:30:10Z"}\n{"user":"bob","time":"2026-11-21T08:30:20Z"}\n',
    );
  });

  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('finds streamfold.config.ts in a parent directory and loads TypeScript that imports TypeScript', async () => {
    // Act
    const catalog = await loadCatalog({ cwd: nested, env: {} });

    // Assess
    expect(catalog.origin).toBe('found');
    expect(catalog.configFile).toBe(join(project, 'streamfold.config.ts'));
    expect(catalog.pipelines.map((p) => p.name)).toStrictEqual(['actions', 'checkout']);
    expect(catalog.samples).toStrictEqual(new Map([['actions', join(project, 'actions.ndjson')]]));
  });

  it('takes --config (STREAMFOLD_CONFIG) over the file found from the directory', async () => {
    // Act
    const catalog = await loadCatalog({ cwd: project, config: BUILT_IN_CONFIG, env: {} });
    const fromEnv = await loadCatalog({
      cwd: outside,
      env: { STREAMFOLD_CONFIG: join(project, 'streamfold.config.ts') },
    });

    // Assess
    expect(catalog.origin).toBe('option');
    expect(catalog.pipelines).toStrictEqual([...EXAMPLE_PIPELINES.values()]);
    expect(fromEnv.pipelines.map((p) => p.name)).toStrictEqual(['actions', 'checkout']);
  });

  it('falls back to the built-in examples, through their own config file', async () => {
    // Act
    const catalog = await loadCatalog({ cwd: outside, env: {} });

    // Assess
    expect(findConfigFile(outside)).toBeUndefined();
    expect(catalog.origin).toBe('built-in');
    expect(catalog.configFile).toBe(BUILT_IN_CONFIG);
    expect(catalog.pipelines.map((p) => p.name)).toStrictEqual([...EXAMPLE_PIPELINES.keys()]);
  });

  it('refuses a config that exports no pipelines, naming the file and what it exports', async () => {
    // Prepare
    const bad = join(outside, 'streamfold.config.mjs');
    writeFileSync(bad, 'export const pipes = [];\n');

    // Act
    const load = loadCatalog({ cwd: outside, env: {} });

    // Assess
    await expect(load).rejects.toThrow(ConfigError);
    await expect(load).rejects.toThrow(`${bad} must export default defineConfig({ pipelines: [...] })`);
    rmSync(bad);
  });

  it('says to install streamfold when a config imports it and the project has not installed it', async () => {
    // Prepare
    const bare = mkdtempSync(join(tmpdir(), 'streamfold-bare-'));
    writeFileSync(join(bare, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(bare, 'streamfold.config.ts'),
      "import { defineConfig } from 'streamfold';\nexport default defineConfig({ pipelines: [] });\n",
    );

    // Act
    const load = loadCatalog({ cwd: bare, env: {} });

    // Assess
    await expect(load).rejects.toThrow(ConfigError);
    await expect(load).rejects.toThrow(
      /Cannot find package 'streamfold'.*; install streamfold in that project/,
    );
    rmSync(bare, { recursive: true, force: true });
  });

  it('resolves a name from the config, and an unknown one lists what exists and where from', async () => {
    // Act
    const found = await loadPipeline('checkout', { cwd: nested, env: {} });
    const unknown = loadPipeline('ohlc', { cwd: nested, env: {} });

    // Assess
    expect(found.name).toBe('checkout');
    await expect(unknown).rejects.toThrow(
      `Unknown pipeline "ohlc": ../../streamfold.config.ts (found from ${nested}) lists actions, checkout`,
    );
  });

  it('runs the real CLI on a user config in a directory without package.json (no require(esm) cycle)', () => {
    // Act
    const folded = runCliProcess(
      ['fold', 'actions', '--input', 'actions.ndjson', '--arrival', '2026-11-21T08:31:00Z', '--json'],
      undefined,
      {
        cwd: project,
      },
    );
    const unknown = runCliProcess(['top', 'nope', '--metric', 'actions'], undefined, { cwd: nested });

    // Assess
    expect(folded.stderr).toBe('');
    expect(folded.code).toBe(0);
    const report = JSON.parse(folded.stdout) as {
      pipeline: string;
      results: { metrics: { actions: number } }[];
    };
    expect(report.pipeline).toBe('actions');
    expect(report.results.map((r) => r.metrics.actions)).toStrictEqual([1, 1]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown pipeline "nope": ../../streamfold.config.ts (found from');
    expect(unknown.stderr).toContain('lists actions, checkout');
  });
});
