import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/main.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { ohlc } from '../../shared/examples/index.ts';
import { createPipelineTables } from '../helpers/localTables.ts';

/** Runs `streamfold <args>` in process through the real program, capturing what it prints. */
const run = async (args: readonly string[]): Promise<{ code: number; out: string; err: string }> => {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await runCli(['node', 'streamfold', ...args]);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
};

describe('Commands: dead-letters, replay, redrive', () => {
  let dynalite: LocalService;

  beforeAll(async () => {
    dynalite = await startDynalite({});
  });

  afterAll(async () => {
    await dynalite?.stop();
  });

  it.each(['dead-letters', 'replay', 'redrive'])(
    '%s --help shows examples and exit statuses',
    async (name) => {
      // Act
      const { code, out } = await run([name, '--help']);

      // Assess
      expect(code).toBe(0);
      expect(out).toContain('Examples:');
      expect(out).toContain(`streamfold ${name} `);
      expect(out).toMatch(/Exit status:\n {2}0 {4}\S/);
      expect(out).toContain('  1    ');
      // The pipeline argument as query, top and fold describe it; no example names a file that is gone
      expect(out.replace(/\s+/g, ' ')).toContain(
        'Arguments: pipeline a pipeline of your config (--config, else streamfold.config.ts here or above, else the built-in examples) or a module path[#name]',
      );
      expect(out).not.toContain('pipelines.ts');
      // One level of parentheses: the exit-status lines read as sentences
      expect(out).not.toMatch(/\([^()]*\([^()]*\)\)/);
    },
  );

  it.each([
    [['dead-letters', 'ohlc', '--reason', 'bogus'], '--reason must be "late" or a rejection code'],
    [['dead-letters', 'ohlc', '--kind', 'odd'], '--kind must be rejected or late (given "odd")'],
    [['dead-letters', 'ohlc', '-n', 'x'], '-n must be a whole number of letters (given "x")'],
    [
      ['replay', 'ohlc', '--from', '2026-12-06T10:00Z', '--to', '2026-12-06T09:00Z'],
      '--to (2026-12-06T09:00Z) must be after --from',
    ],
    [['replay', 'ohlc', '--from', 'yesterday'], '--from must be an ISO 8601 time'],
    [['replay', 'ohlc', '-n', '0'], '-n must be a positive whole number of letters (given "0")'],
    [['redrive', 'ohlc'], 'On AWS, name the on-failure queue with --queue'],
    [
      ['redrive', 'ohlc', '--endpoint', 'http://127.0.0.1:1'],
      'give the local Kinesis too: --kinesis-endpoint',
    ],
    [['dead-letters', 'no-such-pipeline'], 'Unknown pipeline "no-such-pipeline"'],
    [
      [
        'redrive',
        'ohlc',
        '--endpoint',
        'http://127.0.0.1:1',
        '--kinesis-endpoint',
        'http://127.0.0.1:1',
        '--queue-file',
        'no-such-dir/ohlc.jsonl',
      ],
      '--queue-file no-such-dir/ohlc.jsonl does not exist',
    ],
    [
      ['dead-letters', 'ohlc', '--reason', 'late', '--kind', 'rejected'],
      '--reason late and --kind rejected select nothing together: "late" is the reason of late letters',
    ],
    [
      ['replay', 'ohlc', '--reason', 'item-too-large', '--kind', 'late'],
      '--reason item-too-large and --kind late select nothing together: item-too-large is a reason of rejected letters',
    ],
  ])('%j is a usage error (exit 2): %s', async (args, message) => {
    // Act
    const { code, err } = await run(args);

    // Assess
    expect(err).toContain(message);
    expect(code).toBe(2);
  });

  it.each([
    ['replay', [] as string[]],
    ['redrive', ['--kinesis-endpoint', 'http://127.0.0.1:1', '--queue-file', 'QUEUE_FILE']],
  ])('%s --json prints the keys its --help lists', async (name, extra) => {
    // Prepare: empty tables, an empty on-failure file
    const client = dynamoDbClient(dynalite.endpoint);
    const tables = await createPipelineTables(client, ohlc);
    const dir = mkdtempSync(join(tmpdir(), 'streamfold-json-'));
    const queueFile = join(dir, 'ohlc.jsonl');
    writeFileSync(queueFile, '');
    const help = (await run([name, '--help'])).out.replace(/\s+/g, ' ');

    // Act
    const { code, out } = await run([
      name,
      'ohlc',
      '--endpoint',
      dynalite.endpoint,
      '--table',
      tables.resultsTable,
      '--dead-letter-table',
      tables.deadLetterTable,
      '--json',
      ...extra.map((arg) => (arg === 'QUEUE_FILE' ? queueFile : arg)),
    ]);

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    const keys = [
      ...Object.keys(report),
      ...Object.keys((report.verdicts as Record<string, unknown> | undefined) ?? {}),
    ];
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(help).toMatch(new RegExp(`[{ ]${key}[,: ]`));
    rmSync(dir, { recursive: true, force: true });
    client.destroy();
  });

  it('names a missing dead-letter table and how to create it (exit 1)', async () => {
    // Act
    const { code, err } = await run(['dead-letters', 'ohlc', '--endpoint', dynalite.endpoint]);

    // Assess
    expect(err).toContain(`Table "streamfold-ohlc-dead-letters" does not exist at ${dynalite.endpoint}`);
    expect(err).toContain('streamfold dev');
    expect(code).toBe(1);
  });

  it('--show with something that is not a letter key is a usage error', async () => {
    // Act
    const { code, err } = await run([
      'dead-letters',
      'ohlc',
      '--endpoint',
      dynalite.endpoint,
      '--show',
      'abc',
    ]);

    // Assess
    expect(err).toContain('"abc" is not a dead letter\'s sort key');
    expect(code).toBe(2);
  });
});
