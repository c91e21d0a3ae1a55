import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/services/freePort.ts';

/**
 * docs/getting-started.md, followed literally: every command it shows is either run here as written (only
 * the two local ports of `dev` differ, so that the suite can run beside other tests) or named below as one
 * this test does not run, with the reason. From the packed tarball, in a clean temporary directory.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs', 'getting-started.md'), 'utf8');

/** Every command line of the doc's `sh` blocks. */
const DOC_COMMANDS: readonly string[] = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
  (block[1] ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== ''),
);

/** Commands of the doc this test does not run, and why. */
const NOT_RUN: Readonly<Record<string, string>> = {
  'npm ci': 'the suite runs in a checkout where it has been run',
  'npm start': 'runs until Ctrl-C; the same local stack is run below as `streamfold dev` with produce',
  'npx cdk deploy': 'needs an AWS account',
};

const TARBALL = 'streamfold-0.1.0.tgz';
const DOC_KINESIS = 'http://127.0.0.1:4567';
const DOC_DYNAMODB = 'http://127.0.0.1:4568';

/**
 * The environment of a user's shell: none of the npm-script or vitest variables this suite runs under.
 * npm prefers its cache (`--prefer-offline` as configuration, not in the commands), so what this checkout
 * already installed is not fetched again.
 */
const userEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|INIT_CWD$|TEST$|NODE_ENV$|NODE_OPTIONS$|STREAMFOLD_)/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
};

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ran: string[] = [];

/** Runs one command of the doc, as written, in a shell. */
const run = (command: string, cwd: string, ports?: { kinesis: string; dynamodb: string }): Ran => {
  expect(DOC_COMMANDS, `docs/getting-started.md shows \`${command}\``).toContain(command);
  ran.push(command);
  const actual = ports === undefined ? command : withPorts(command, ports);
  const result = spawnSync('bash', ['-c', actual], {
    cwd,
    env: userEnv(),
    encoding: 'utf8',
    timeout: 600_000,
  });
  const output = { code: result.status, stdout: result.stdout, stderr: result.stderr };
  expect(output.code, `${actual}\n${output.stderr}`).toBe(0);
  return output;
};

const withPorts = (command: string, ports: { kinesis: string; dynamodb: string }): string =>
  command
    .replace(DOC_KINESIS, `http://127.0.0.1:${ports.kinesis}`)
    .replace(DOC_DYNAMODB, `http://127.0.0.1:${ports.dynamodb}`)
    .replace('--kinesis-port 4567', `--kinesis-port ${ports.kinesis}`)
    .replace('--dynamodb-port 4568', `--dynamodb-port ${ports.dynamodb}`);

interface Result {
  readonly group: Record<string, string>;
  readonly window: { readonly start: string };
  readonly metrics: Record<string, number>;
}

/** Each user's totals over every window: what a shift of the event times leaves unchanged. */
const totalsByUser = (results: readonly Result[]): Record<string, { actions: number; spent: number }> => {
  const totals: Record<string, { actions: number; spent: number }> = {};
  for (const r of results) {
    const user = r.group.user as string;
    const t = totals[user] ?? { actions: 0, spent: 0 };
    t.actions += r.metrics.actions as number;
    t.spent += r.metrics.spent as number;
    totals[user] = t;
  }
  return totals;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Tutorial: docs/getting-started.md, from the packed tarball', () => {
  const base = mkdtempSync(join(tmpdir(), 'streamfold-tutorial-'));
  let dev: ChildProcess | undefined;

  afterAll(async () => {
    if (dev?.pid !== undefined && dev.exitCode === null && dev.signalCode === null) {
      process.kill(-dev.pid, 'SIGKILL');
    }
    rmSync(base, { recursive: true, force: true });
    rmSync(join(ROOT, TARBALL), { force: true });
  });

  it('packs, inits, installs, folds, tests, synthesizes, runs locally and answers query and top by name', async () => {
    // 1. Get streamfold: pack this checkout and put the tarball beside the project
    run('npm pack', ROOT);
    renameSync(join(ROOT, TARBALL), join(base, TARBALL));

    // 2. Create a project
    run(`npx --yes --package ./${TARBALL} streamfold init shop`, base);
    const shop = join(base, 'shop');
    const manifest = JSON.parse(readFileSync(join(shop, 'package.json'), 'utf8'));
    expect(manifest.dependencies.streamfold).toBe(`file:${join(base, TARBALL)}`);
    run('cd shop', base);
    run('npm install', shop);
    expect(existsSync(join(shop, 'node_modules', 'streamfold', 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(shop, 'node_modules', 'streamfold', 'cli'))).toBe(false); // compiled only

    // 3. Your pipeline, by name
    const table = run(
      'npx streamfold fold actions --input samples/actions.ndjson --arrival 2026-11-21T08:35:00Z',
      shop,
    );
    expect(table.stdout).toContain(
      'actions: 9 record(s) in, 7 folded, 2 rejected, 0 late; 5 window result(s)',
    );
    const folded = JSON.parse(
      run(
        'npx streamfold fold actions --input samples/actions.ndjson --arrival 2026-11-21T08:35:00Z --json',
        shop,
      ).stdout,
    ) as { results: Result[] };
    const expected = totalsByUser(folded.results);
    expect(expected).toStrictEqual({
      ada: { actions: 3, spent: 12.5 },
      bob: { actions: 3, spent: 34.25 },
      cy: { actions: 1, spent: 0 },
    });
    run('npm test', shop);

    // 5. Deploy (synth only: offline)
    run('npx cdk synth', shop);
    const template = JSON.parse(readFileSync(join(shop, 'cdk.out', 'Streamfold.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    expect(resources.find((r) => r.Type === 'AWS::Kinesis::Stream')?.Properties.Name).toBe('actions');
    const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(
      functions.map(
        (f) => (f.Properties.Environment as { Variables: Record<string, string> }).Variables.PIPELINE_NAME,
      ),
    ).toStrictEqual(['actions', 'actions']);
    const assets = readdirSync(join(shop, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    const bundles = assets.map((asset) => readFileSync(join(shop, 'cdk.out', asset, 'index.js'), 'utf8'));
    // The deployed handler folds the user's own definition: its description is bundled in.
    expect(
      bundles.filter((code) => code.includes('Actions and amount spent per user and minute')),
    ).toHaveLength(2);

    // 4. Run it locally: dev, then produce, query and top by name
    const ports = { kinesis: String(await freePort()), dynamodb: String(await freePort()) };
    const devCommand = 'npx streamfold dev --kinesis-port 4567 --dynamodb-port 4568';
    expect(DOC_COMMANDS).toContain(devCommand);
    ran.push(devCommand);
    dev = spawn('bash', ['-c', withPorts(devCommand, ports)], {
      cwd: shop,
      env: userEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let devOutput = '';
    dev.stdout?.on('data', (chunk: Buffer) => {
      devOutput += chunk.toString();
    });
    dev.stderr?.on('data', (chunk: Buffer) => {
      devOutput += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => dev?.once('close', () => resolve()));
    while (!devOutput.includes('streamfold dev: ready.')) {
      if (dev.exitCode !== null) throw new Error(`streamfold dev exited:\n${devOutput}`);
      await sleep(200);
    }
    expect(devOutput).toContain('actions: stream actions → table streamfold-actions-results');

    run(
      'npx streamfold produce actions --input samples/actions.ndjson --retime --endpoint http://127.0.0.1:4567',
      shop,
      ports,
    );
    const queryCommand = 'npx streamfold query actions --json --endpoint http://127.0.0.1:4568';
    let stored: Result[] = [];
    // Until the local event source mapping has delivered every record (dev writes every 5 s per shard).
    for (let attempt = 0; attempt < 120; attempt++) {
      stored = (JSON.parse(run(queryCommand, shop, ports).stdout) as { results: Result[] }).results;
      if (JSON.stringify(totalsByUser(stored)) === JSON.stringify(expected)) break;
      await sleep(1000);
    }
    expect(totalsByUser(stored)).toStrictEqual(expected);

    const top = JSON.parse(
      run('npx streamfold top actions --metric actions --json --endpoint http://127.0.0.1:4568', shop, ports)
        .stdout,
    ) as { window: { start: string }; results: Result[] };
    const sameWindow = stored.filter((r) => r.window.start === top.window.start);
    const byActions = (a: Result, b: Result): number =>
      (b.metrics.actions as number) - (a.metrics.actions as number) ||
      (a.group.user as string).localeCompare(b.group.user as string);
    expect(top.results.map((r) => [r.group.user, r.metrics.actions, r.metrics.spent])).toStrictEqual(
      [...sameWindow].sort(byActions).map((r) => [r.group.user, r.metrics.actions, r.metrics.spent]),
    );
    expect(top.results.length).toBeGreaterThan(0);

    // Ctrl-C: dev finishes its batches and stops the local services.
    process.kill(-(dev.pid as number), 'SIGINT');
    await exited;
    expect(devOutput).toContain('streamfold dev: local services stopped');

    // Every command of the doc was run, or is named as not run with its reason.
    expect(DOC_COMMANDS.filter((c) => !ran.includes(c) && NOT_RUN[c] === undefined)).toStrictEqual([]);
  }, 900_000);
});
