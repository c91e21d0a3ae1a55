import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { kinesisClient } from './clients.ts';
import { LocalServiceError } from './errors.ts';
import { freePort, isPortAnswering } from './freePort.ts';
import { type ManagedProcess, spawnManaged, waitUntilReady } from './managedProcess.ts';
import type { KinesisLocalService } from './types.ts';

/** Options of {@link startKinesisLocal}. */
export interface StartKinesisLocalOptions {
  /**
   * Plain-HTTP port (the one SDK clients use). A fixed port that is taken is an error.
   * @default 0 - a free port, another one tried if a process takes it first
   */
  readonly port?: number;
  /**
   * HTTPS port (kinesis-mock always opens one; its certificate is self-signed).
   * @default 0 - a free port
   */
  readonly tlsPort?: number;
  /**
   * Folder where kinesis-mock saves its streams (`SHOULD_PERSIST_DATA`, file `kinesis-data.json`)
   * and from which it loads them on start; created when missing.
   * @default undefined - in memory only: a restart loses every stream
   */
  readonly persistDir?: string;
  /**
   * How often kinesis-mock saves to `persistDir`. `stop()` waits for a save that began after the call
   * (about one to two intervals) so that everything written before the call survives.
   * @default 500
   */
  readonly persistIntervalMs?: number;
  /**
   * With `persistDir`: the longest `stop()` waits for that save (a starved emulator saves late); then
   * the last whole snapshot is kept.
   * @default - 15 s, or two save intervals and 2 s when that is longer
   */
  readonly stopTimeoutMs?: number;
  /**
   * Time allowed for the emulator to answer `ListStreams`.
   * @default 30_000
   */
  readonly startTimeoutMs?: number;
}

const require = createRequire(import.meta.url);
const BIND_ATTEMPTS = 3;
const PERSIST_FILE = 'kinesis-data.json';
/** Logged (at INFO) right before kinesis-mock binds the plain port. */
const BINDING_LINE = /Starting Kinesis Plain Mock Service on port/;
/** Every operation kinesis-mock delays (500 ms each by default) completes at once. */
const INSTANT_OPERATIONS = [
  'CREATE_STREAM_DURATION',
  'DELETE_STREAM_DURATION',
  'REGISTER_STREAM_CONSUMER_DURATION',
  'DEREGISTER_STREAM_CONSUMER_DURATION',
  'START_STREAM_ENCRYPTION_DURATION',
  'STOP_STREAM_ENCRYPTION_DURATION',
  'MERGE_SHARDS_DURATION',
  'SPLIT_SHARD_DURATION',
  'UPDATE_SHARD_COUNT_DURATION',
  'UPDATE_STREAM_MODE_DURATION',
] as const;

interface Ports {
  readonly port: number;
  readonly tlsPort: number;
}

interface Settings {
  readonly mainJs: string;
  readonly persistDir: string | undefined;
  readonly persistIntervalMs: number;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

const choosePorts = async (options: StartKinesisLocalOptions): Promise<Ports> => {
  // kinesis-mock binds every interface, so probe the wildcard address.
  const port = options.port || (await freePort('0.0.0.0'));
  let tlsPort = options.tlsPort || (await freePort('0.0.0.0'));
  while (tlsPort === port) tlsPort = await freePort('0.0.0.0');
  return { port, tlsPort };
};

/** Reads the persisted state, failing clearly on a file kinesis-mock would crash on. */
const readPersisted = async (file: string): Promise<string | undefined> => {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    JSON.parse(text);
    return text;
  } catch (error) {
    throw new LocalServiceError(`kinesis-local cannot load ${file}: it is not valid JSON (delete it)`, {
      cause: error,
    });
  }
};

const launch = async (ports: Ports, settings: Settings): Promise<ManagedProcess> => {
  for (const port of [ports.port, ports.tlsPort]) {
    if (await isPortAnswering(port)) {
      throw new LocalServiceError(`kinesis-local cannot use port ${port}: address already in use`);
    }
  }
  const { mainJs, persistDir } = settings;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KINESIS_MOCK_PLAIN_PORT: String(ports.port),
    KINESIS_MOCK_TLS_PORT: String(ports.tlsPort),
    KINESIS_MOCK_CERT_PATH: join(dirname(mainJs), 'server.json'),
    AWS_REGION: 'us-east-1',
    // INFO is quiet (a few start-up lines) and logs the binding line.
    LOG_LEVEL: 'INFO',
    ROOT_LOG_LEVEL: 'ERROR',
    SHOULD_PERSIST_DATA: String(persistDir !== undefined),
    LOAD_DATA_IF_EXISTS: String(persistDir !== undefined),
  };
  for (const name of INSTANT_OPERATIONS) env[name] = '0ms';
  if (persistDir !== undefined) {
    await readPersisted(join(persistDir, PERSIST_FILE));
    Object.assign(env, {
      PERSIST_PATH: persistDir,
      PERSIST_FILE_NAME: PERSIST_FILE,
      PERSIST_INTERVAL: `${settings.persistIntervalMs}ms`,
    });
  }
  const child = spawnManaged({
    command: process.execPath,
    args: [mainJs],
    cwd: dirname(mainJs),
    env,
    watch: [BINDING_LINE],
  });
  const probe = kinesisClient(`http://127.0.0.1:${ports.port}`, {
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 500, requestTimeout: 2_000 }),
  });
  try {
    await waitUntilReady(child, () => probe.send(new ListStreamsCommand({})), {
      name: `kinesis-local on port ${ports.port}`,
      timeoutMs: settings.startTimeoutMs,
      bindingLine: BINDING_LINE,
    });
  } finally {
    probe.destroy();
  }
  return child;
};

/** The persisted file's modification time (ms), or undefined while it does not exist. */
const modifiedAt = async (file: string): Promise<number | undefined> =>
  (await stat(file).catch(() => undefined))?.mtimeMs;

/**
 * Kills the emulator. kinesis-mock ignores SIGTERM/SIGINT for well over 10 s and only saves on a
 * timer, so with persistence: wait until a snapshot has been saved that started after the stop was asked
 * (two saves finished after that moment: saves run one after another, so the second began after it and
 * holds every record acknowledged before the stop), keep a copy of it, SIGKILL, and put the copy back if
 * the kill cut a save short (kinesis-mock cannot start from a truncated file). On a starved machine the
 * timer fires late; the wait is bounded (`stopTimeoutMs`), and then the last whole snapshot is kept.
 */
const kill = async (child: ManagedProcess, settings: Settings): Promise<void> => {
  if (settings.persistDir === undefined) {
    await child.stop('SIGKILL');
    return;
  }
  const file = join(settings.persistDir, PERSIST_FILE);
  const asked = Date.now();
  const deadline = asked + settings.stopTimeoutMs;
  const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
  const poll = Math.max(10, Math.min(100, settings.persistIntervalMs / 4));
  // kinesis-mock saves in place (truncate, then write), so one save can move the modification time twice
  // and a read can land mid-write: a save counts only once a whole snapshot is read at its time.
  let firstWhole: number | undefined;
  let lastWhole: string | undefined;
  let complete = false;
  while (!complete && Date.now() < deadline) {
    await pause(poll);
    const modified = await modifiedAt(file);
    if (modified === undefined || modified <= asked || modified === firstWhole) continue;
    const text = await readPersisted(file).catch(() => undefined);
    if (text === undefined || (await modifiedAt(file)) !== modified) continue;
    lastWhole = text;
    if (firstWhole === undefined) firstWhole = modified;
    else complete = true;
  }
  // Out of time (a starved emulator): keep the last whole snapshot, reading until one is seen.
  for (let attempt = 0; attempt < 20 && lastWhole === undefined; attempt += 1) {
    lastWhole = await readPersisted(file).catch(() => undefined);
    if (lastWhole === undefined) await pause(25);
  }
  await child.stop('SIGKILL');
  if (lastWhole !== undefined && (await readPersisted(file).catch(() => undefined)) === undefined) {
    await writeFile(file, lastWhole);
  }
};

const isAddressInUse = (error: unknown): boolean =>
  error instanceof LocalServiceError && /EADDRINUSE|address already in use/i.test(error.message);

/**
 * Starts kinesis-mock (the `kinesis-local` package, the engine LocalStack uses) as a child Node
 * process on free ports, with every stream and shard operation instant, and resolves once it
 * answers `ListStreams` (~0.7 s). The child is SIGKILLed if this process exits.
 *
 * State lives in memory: `stop()` then starting again on the same `port`, or `restart()`, loses
 * every stream, unless `persistDir` is given (then streams and records survive, at the cost of
 * one to two save intervals per stop, ~0.5–1 s).
 *
 * @example
 * ```ts
 * const kinesis = await startKinesisLocal();
 * const client = kinesisClient(kinesis.endpoint);
 * await client.send(new CreateStreamCommand({ StreamName: 'events', ShardCount: 2 }));
 * await kinesis.restart(); // same endpoint; the stream is gone (no persistDir)
 * await kinesis.stop();
 * ```
 */
export const startKinesisLocal = async (
  options: StartKinesisLocalOptions = {},
): Promise<KinesisLocalService> => {
  const settings: Settings = {
    mainJs: require.resolve('kinesis-local/main.js'),
    persistDir: options.persistDir === undefined ? undefined : resolve(options.persistDir),
    persistIntervalMs: options.persistIntervalMs ?? 500,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    stopTimeoutMs: options.stopTimeoutMs ?? Math.max(15_000, 2 * (options.persistIntervalMs ?? 500) + 2_000),
  };
  if (settings.persistDir !== undefined) await mkdir(settings.persistDir, { recursive: true });

  let ports = await choosePorts(options);
  let child: ManagedProcess | undefined;
  for (let attempt = 1; child === undefined; attempt += 1) {
    try {
      child = await launch(ports, settings);
    } catch (error) {
      if ((options.port && options.tlsPort) || attempt >= BIND_ATTEMPTS || !isAddressInUse(error))
        throw error;
      ports = await choosePorts(options);
    }
  }

  let current: ManagedProcess | undefined = child;
  const stop = async (): Promise<void> => {
    const running = current;
    current = undefined;
    if (running !== undefined) await kill(running, settings);
  };
  return {
    kind: 'kinesis-local',
    endpoint: `http://127.0.0.1:${ports.port}`,
    port: ports.port,
    tlsPort: ports.tlsPort,
    persistDir: settings.persistDir,
    stop,
    restart: async () => {
      await stop();
      current = await launch(ports, settings);
    },
  };
};
