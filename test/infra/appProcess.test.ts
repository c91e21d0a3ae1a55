import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The command `cdk synth` runs: cdk.json's `app`. */
const APP_COMMAND = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { app: string }).app;

const outdirs: string[] = [];

afterEach(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the app as the CDK CLI does: cdk.json's `app` command through a shell, with the `-c` values in
 * `CDK_CONTEXT_JSON` and the cloud assembly directory in `CDK_OUTDIR`.
 */
const runApp = (context: Record<string, unknown>) => {
  const outdir = mkdtempSync(join(tmpdir(), 'streamfold-app-'));
  outdirs.push(outdir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    CDK_OUTDIR: outdir,
  };
  delete env.STREAMFOLD_DEBUG;
  const result = spawnSync(APP_COMMAND, {
    cwd: ROOT,
    env,
    shell: true,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
};

describe('The CDK app as cdk.json runs it (`npx cdk synth -c …`)', () => {
  it.each([
    [
      { pipelines: 'ohcl' },
      'streamfold: context pipelines names no pipeline "ohcl" (known: requests-by-ip, category-averages, ohlc, sensor-stats)',
    ],
    [{ pipelines: 3 }, 'streamfold: context pipelines must be comma-separated pipeline names (given 3)'],
    [
      { removalPolicy: 'snapshot' },
      'streamfold: context removalPolicy must be "retain" or "destroy" (given "snapshot")',
    ],
    [{ alarmEmail: 'oncall' }, 'streamfold: alarmEmail must be an email address (given "oncall")'],
    [
      { resourcePrefix: '' },
      'streamfold: context resourcePrefix is empty (an unset shell variable?): give a value or leave -c resourcePrefix out',
    ],
    [
      { alarmEmail: '' },
      'streamfold: context alarmEmail is empty (an unset shell variable?): give a value or leave -c alarmEmail out',
    ],
    [
      { pipelines: 'ohlc', resourcePrefix: 'Bad!' },
      'streamfold: Pipeline "ohlc": resourcePrefix must be 1 to 64 letters, digits, "_", "." or "-" (it starts DynamoDB table names) (given "Bad!")',
    ],
  ])('refuses %j with one line, exit status 2, no stack trace and nothing synthesized', (context, line) => {
    // Act
    const { code, stdout, stderr, outdir } = runApp(context);

    // Assess
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });

  it('still synthesizes with valid context (the control)', () => {
    // Act: bundling skipped, so the run takes seconds.
    const { code, stderr, outdir } = runApp({ pipelines: 'ohlc', 'aws:cdk:bundling-stacks': [] });

    // Assess
    expect(stderr).not.toContain('streamfold:');
    expect(code).toBe(0);
    expect(existsSync(join(outdir, 'Streamfold.template.json'))).toBe(true);
  });
});
