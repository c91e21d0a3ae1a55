import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FunctionError,
  type FunctionLogLine,
  kinesisStreamEvent,
  toKinesisStreamRecord,
  type WorkerInvoker,
  workerInvoker,
} from '../../local/esm/index.ts';

const PROBE = new URL('../fixtures/handlers/probe.ts', import.meta.url);

interface ProbeLine {
  readonly containerToken: string;
  readonly invocations: number;
  readonly requestId: string;
  readonly functionName: string;
  readonly remainingMs: number;
  readonly label: string | undefined;
  readonly inheritsParentEnv: boolean;
  readonly texts: readonly string[];
}

const eventOf = (...texts: string[]): KinesisStreamEvent =>
  kinesisStreamEvent(
    texts.map((text, i) =>
      toKinesisStreamRecord(
        {
          Data: Buffer.from(text),
          PartitionKey: 'pk',
          SequenceNumber: `4959${String(i).padStart(10, '0')}`,
          ApproximateArrivalTimestamp: new Date(),
        },
        {
          shardId: 'shardId-000000000000',
          streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/probe',
          region: 'us-east-1',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/probe',
        },
      ),
    ),
  );

describe('Function: workerInvoker', () => {
  const opened: WorkerInvoker[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((functions) => functions.close()));
    vi.unstubAllEnvs();
  });

  const probe = (env: Record<string, string> = {}): { functions: WorkerInvoker; lines: ProbeLine[] } => {
    const lines: ProbeLine[] = [];
    const onLog = ({ stream, line }: FunctionLogLine): void => {
      if (stream === 'stdout' && line.startsWith('{"containerToken"'))
        lines.push(JSON.parse(line) as ProbeLine);
    };
    const functions = workerInvoker({ module: PROBE, functionName: 'probe', env, onLog });
    opened.push(functions);
    return { functions, lines };
  };

  it('keeps a container warm across invocations, with its own environment and a Lambda context', async () => {
    // Prepare
    vi.stubEnv('PROBE_PARENT_ONLY', 'set in the test process only');
    const { functions, lines } = probe({ PROBE_LABEL: 'blue' });

    // Act
    const first = await functions.invoke(eventOf('a'), 30_000);
    const second = await functions.invoke(eventOf('b', 'c'), 30_000);
    await vi.waitFor(() => expect(lines).toHaveLength(2));

    // Assess
    expect(first).toStrictEqual({ kind: 'ok', response: { batchItemFailures: [] } });
    expect(second).toStrictEqual(first);
    expect(
      lines.map((line) => [line.invocations, line.texts, line.label, line.inheritsParentEnv]),
    ).toStrictEqual([
      [1, ['a'], 'blue', false],
      [2, ['b', 'c'], 'blue', false],
    ]);
    expect(lines[1]?.containerToken).toBe(lines[0]?.containerToken);
    expect(lines[0]?.functionName).toBe('probe');
    expect(lines[0]?.remainingMs).toBeGreaterThan(0);
    expect(lines[0]?.remainingMs).toBeLessThanOrEqual(30_000);
    expect(functions.stats()).toStrictEqual({
      coldStarts: 1,
      invocations: 2,
      timeouts: 0,
      errors: 0,
      containers: 1,
    });
  });

  it('returns a handler error as a FunctionError and keeps the container', async () => {
    // Prepare
    const { functions } = probe();

    // Act
    const result = await functions.invoke(eventOf('throw'), 30_000);
    const after = await functions.invoke(eventOf('ok'), 30_000);

    // Assess
    expect(result.kind).toBe('error');
    const error = result.kind === 'error' ? result.error : undefined;
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ errorType: 'TypeError', message: 'poison record' });
    expect(after.kind).toBe('ok');
    expect(functions.stats()).toMatchObject({ coldStarts: 1, errors: 1 });
  });

  it('terminates the container on timeout and cold-starts a new one; what it wrote stays', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'worker-timeout-'));
    const marker = join(dir, 'marker');
    const { functions, lines } = probe({ PROBE_MARKER: marker });

    // Act
    const timedOut = await functions.invoke(eventOf('hang-once'), 1_000);
    const retried = await functions.invoke(eventOf('hang-once'), 30_000);
    await vi.waitFor(() => expect(lines).toHaveLength(2));

    // Assess
    expect(timedOut).toStrictEqual({ kind: 'timeout' });
    expect(retried.kind).toBe('ok');
    expect(lines.map((line) => line.invocations)).toStrictEqual([1, 1]);
    expect(lines[1]?.containerToken).not.toBe(lines[0]?.containerToken);
    expect(await readFile(marker, 'utf8')).toBe(lines[0]?.containerToken);
    expect(functions.stats()).toStrictEqual({
      coldStarts: 2,
      invocations: 2,
      timeouts: 1,
      errors: 0,
      containers: 1,
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a runtime that exits as an error and starts a new container next time', async () => {
    // Prepare
    const { functions } = probe();

    // Act
    const crashed = await functions.invoke(eventOf('exit'), 30_000);
    const after = await functions.invoke(eventOf('ok'), 30_000);

    // Assess
    expect(crashed.kind === 'error' ? crashed.error : undefined).toMatchObject({
      errorType: 'Runtime.ExitError',
    });
    expect(after.kind).toBe('ok');
    expect(functions.stats()).toMatchObject({ coldStarts: 2 });
  });

  it('runs concurrent invocations in separate containers', async () => {
    // Prepare
    const { functions, lines } = probe();

    // Act
    const results = await Promise.all([
      functions.invoke(eventOf('a'), 30_000),
      functions.invoke(eventOf('b'), 30_000),
    ]);
    await vi.waitFor(() => expect(lines).toHaveLength(2));

    // Assess
    expect(results.map((result) => result.kind)).toStrictEqual(['ok', 'ok']);
    expect(new Set(lines.map((line) => line.containerToken)).size).toBe(2);
    expect(functions.stats()).toMatchObject({ coldStarts: 2, containers: 2 });
  });

  it('fails the invocation with an init error when the export does not exist', async () => {
    // Prepare
    const functions = workerInvoker({ module: PROBE, exportName: 'missing' });
    opened.push(functions);

    // Act
    const result = await functions.invoke(eventOf('a'), 30_000);

    // Assess
    const error = result.kind === 'error' ? result.error : undefined;
    expect(error).toBeInstanceOf(FunctionError);
    expect(error?.message).toMatch(/exports no function named "missing" \(exports: handler\)/);
    expect((error as FunctionError).errorType).toMatch(/^Runtime\.InitError/);
  });

  it('loads the handler module from a path relative to the current directory', async () => {
    // Prepare
    vi.spyOn(process, 'cwd').mockReturnValue(new URL('../', import.meta.url).pathname);
    const functions = workerInvoker({ module: 'fixtures/handlers/probe.ts' });
    opened.push(functions);

    // Act
    const result = await functions.invoke(eventOf('a'), 30_000);

    // Assess
    expect(result.kind).toBe('ok');
    vi.restoreAllMocks();
  });
});
