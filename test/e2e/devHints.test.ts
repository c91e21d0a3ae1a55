import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a newcomer does after `streamfold dev`: copy the commands it suggests and run them, exactly as printed,
 * in a shell on this checkout, with no AWS configuration at all. Runs the real `streamfold` binary for `dev`
 * and, through `npx`, for every suggestion.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/streamfold.js', import.meta.url));

/** This environment as a newcomer has it: no AWS credentials, profile, region or config files. */
const newcomerEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/streamfold-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/streamfold-test/credentials',
    // The one notice the project turns off on Node 20 (docs/deploy.md, "Node.js versions").
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
};

/** Runs a printed command line in a shell, as pasted. */
const shell = (command: string) =>
  spawnSync('bash', ['-c', command], { cwd: ROOT, env: newcomerEnv(), encoding: 'utf8', timeout: 60_000 });

const awsCliInstalled = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

const waitFor = async (what: string, check: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

describe('streamfold dev --pipelines ohlc: every command it suggests runs as printed', () => {
  let dev: ChildProcess;
  let stdout = '';
  let stderr = '';
  let hints: string[] = [];

  beforeAll(async () => {
    dev = spawn(process.execPath, [BIN, 'dev', '--pipelines', 'ohlc', '--no-dashboard'], {
      cwd: ROOT,
      env: newcomerEnv(),
    });
    dev.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    dev.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    await waitFor('the suggestions', () => stderr.includes('Produce your own'), 60_000);
    hints = stderr
      .split('\n')
      .map((line) => line.match(/((?:npx streamfold |AWS_ACCESS_KEY_ID=).*)$/)?.[1])
      .filter((command): command is string => command !== undefined);
  }, 90_000);

  afterAll(async () => {
    if (dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      dev.kill('SIGINT');
      await exited;
    }
  });

  const hint = (start: string): string => {
    const found = hints.find((h) => h.startsWith(start));
    expect(found, `a suggestion starting "${start}" in:\n${hints.join('\n')}`).toBeDefined();
    return found as string;
  };

  it('suggests commands for the running pipeline only', () => {
    // Assess
    expect(hints).toHaveLength(4);
    for (const other of ['requests-by-ip', 'access-logs', 'sensor', 'csv-rows', 'category-averages']) {
      expect(hints.join('\n')).not.toContain(other);
    }
  });

  it('sends the sample retimed to now: nothing late, only the two malformed records rejected', async () => {
    // Act
    const produced = shell(hint('npx streamfold produce trades'));

    // Assess
    expect(produced.status, produced.stderr).toBe(0);
    expect(produced.stdout).toContain('Put 8 record(s) into trades');
    expect(produced.stdout).toContain('Retimed 7 record(s) for ohlc (time (iso))');
    expect(produced.stdout).toContain("Sent unchanged: 1 (rejected by the pipeline's decoder ×1 (record 8))");
    // The progress line also counts the Kinesis records the mapping read, none left waiting once folded.
    await waitFor(
      'the batch to be folded',
      () => /ohlc in=8 folded=6 rejected=2 late=0 read=8 waiting=0/.test(stdout),
      60_000,
    );
  });

  it('ranks the latest complete window with top, and reads the results with query', () => {
    // Act
    const top = shell(hint('npx streamfold top ohlc'));
    const query = shell(hint('npx streamfold query ohlc'));

    // Assess
    expect(top.status, top.stderr).toBe(0);
    expect(top.stdout.split('\n')[0]).toContain('the latest complete window with data');
    expect(top.stdout).not.toContain('PARTIAL');
    expect(query.status, query.stderr).toBe(0);
    expect(query.stdout).toContain('ACME');
  });

  it('says in top --help which window it ranks by default', () => {
    // Act
    const help = shell('node bin/streamfold.js top --help');

    // Assess
    expect(help.stdout).toContain(
      'Without --window, top ranks the latest complete window: the newest window whose end has passed',
    );
  });

  it.runIf(awsCliInstalled)('scans the table with the AWS CLI and no AWS configuration', () => {
    // Act
    const scan = shell(hint('AWS_ACCESS_KEY_ID='));

    // Assess
    expect(scan.status, scan.stderr).toBe(0);
    expect((JSON.parse(scan.stdout) as { Count: number }).Count).toBeGreaterThan(0);
  });
});
