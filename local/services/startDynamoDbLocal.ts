import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { dynamoDbClient } from './clients.ts';
import { LocalServiceError } from './errors.ts';
import { freePort, isPortAnswering } from './freePort.ts';
import { type ManagedProcess, spawnManaged, waitUntilReady } from './managedProcess.ts';
import type { LocalService } from './types.ts';

/** The npm package whose `emulator/` folder is AWS's DynamoDB Local (1.25.1), and its pinned tarball. */
const EMULATOR_PACKAGE = {
  name: 'amplify-dynamodb-simulator',
  version: '2.9.30',
  integrity:
    'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==',
} as const;
/** Written last into a fully extracted emulator folder; a folder without it is never used. */
const COMPLETE_MARKER = '.streamfold-complete';
const STAGING_PREFIX = '.staging-';
const STALE_STAGING_MS = 60 * 60 * 1_000;
const BIND_ATTEMPTS = 3;
/** Printed right before the server binds its port (~0.8 s before it answers). */
const BINDING_LINE = /^Initializing DynamoDB Local/;
/** DynamoDB Local logs this and then stays alive without listening. */
const BIND_FAILURE = /Failed to bind|BindException/;

/** Options of {@link ensureDynamoDbLocal}. */
export interface EnsureDynamoDbLocalOptions {
  /**
   * Where the emulator is cached (one sub-folder per package version).
   * @default '<nearest node_modules>/.cache/streamfold/dynamodb-local'
   */
  readonly cacheDir?: string;
  /**
   * Receives human-readable progress messages (download, extraction).
   * @default undefined - silent
   */
  readonly onProgress?: (message: string) => void;
}

/** Options of {@link startDynamoDbLocal}. */
export interface StartDynamoDbLocalOptions extends EnsureDynamoDbLocalOptions {
  /**
   * Port to listen on (DynamoDB Local binds every interface). Fixed ports are not retried.
   * @default 0 - a free port, retried if another process takes it first
   */
  readonly port?: number;
  /**
   * Pass `-sharedDb`, so every access key and region sees the same tables (handy when inspecting
   * with the AWS CLI and your own credentials). Without it, tables are namespaced per access key
   * id and region.
   * @default true
   */
  readonly sharedDb?: boolean;
  /**
   * Time allowed for the JVM to answer `ListTables` (download time not included).
   * @default 30_000
   */
  readonly startTimeoutMs?: number;
}

const moduleDir = dirname(fileURLToPath(import.meta.url));

/** The `node_modules` folder nearest to this module (the project's, in a checkout). */
const nearestNodeModules = (): string => {
  for (let dir = moduleDir; ; dir = dirname(dir)) {
    if (basename(dir) === 'node_modules') return dir;
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules');
    if (dirname(dir) === dir) return join(process.cwd(), 'node_modules');
  }
};

/**
 * The default cache folder of {@link ensureDynamoDbLocal}.
 *
 * @example
 * ```ts
 * await rm(defaultDynamoDbLocalCacheDir(), { recursive: true, force: true }); // clear the cache
 * ```
 */
export const defaultDynamoDbLocalCacheDir = (): string =>
  join(nearestNodeModules(), '.cache', 'streamfold', 'dynamodb-local');

const javaCommand = (): string => {
  const home = process.env.JAVA_HOME;
  const java = home ? join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : '';
  return java !== '' && existsSync(java) ? java : 'java';
};

/** Runs a command to completion, resolving its exit code and combined output (never rejects). */
const run = (
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly timeoutMs: number },
): Promise<{ readonly code: number | null; readonly output: string }> =>
  new Promise((resolve) => {
    const chunks: string[] = [];
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      windowsHide: true,
      // npm is a .cmd script on Windows and needs a shell there.
      shell: process.platform === 'win32' && command === 'npm',
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
    child.once('error', (error) => resolve({ code: null, output: error.message }));
    child.once('close', (code) => resolve({ code, output: chunks.join('').slice(-4_000) }));
  });

let javaCheck: Promise<boolean> | undefined;

/**
 * Whether a Java runtime can be started (`$JAVA_HOME/bin/java`, else `java` on the PATH).
 * The answer is computed once per process.
 *
 * @example
 * ```ts
 * const dynamo = (await isJavaAvailable()) ? await startDynamoDbLocal() : await startDynalite();
 * ```
 */
export const isJavaAvailable = (): Promise<boolean> => {
  javaCheck ??= run(javaCommand(), ['-version'], { timeoutMs: 15_000 }).then(({ code }) => code === 0);
  return javaCheck;
};

/** npm itself: the running npm CLI when launched through npm, else `npm` from the PATH. */
const npmCommand = (): { readonly command: string; readonly prefix: readonly string[] } => {
  const execPath = process.env.npm_execpath;
  return execPath !== undefined && /npm-cli\.c?js$/.test(execPath)
    ? { command: process.execPath, prefix: [execPath] }
    : { command: 'npm', prefix: [] };
};

const sha512 = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(`sha512-${hash.digest('base64')}`));
  });

const removeStaleStaging = async (cacheDir: string): Promise<void> => {
  for (const entry of await readdir(cacheDir)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue;
    const path = join(cacheDir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_STAGING_MS) {
      await rm(path, { recursive: true, force: true });
    }
  }
};

const download = async (
  cacheDir: string,
  target: string,
  progress: (message: string) => void,
): Promise<void> => {
  const spec = `${EMULATOR_PACKAGE.name}@${EMULATOR_PACKAGE.version}`;
  await mkdir(cacheDir, { recursive: true });
  await removeStaleStaging(cacheDir);
  // Staging next to the target (same file system), so the final rename is atomic.
  const staging = await mkdtemp(join(cacheDir, STAGING_PREFIX));
  try {
    progress(`Downloading DynamoDB Local (npm pack ${spec}, ~57 MB) into ${cacheDir}`);
    const npm = npmCommand();
    const packed = await run(
      npm.command,
      [...npm.prefix, 'pack', spec, '--pack-destination', staging, '--ignore-scripts', '--silent'],
      { timeoutMs: 10 * 60_000 },
    );
    const tarball = (await readdir(staging)).find((entry) => entry.endsWith('.tgz'));
    if (packed.code !== 0 || tarball === undefined) {
      throw new LocalServiceError(`npm pack ${spec} failed (exit code ${packed.code}):\n${packed.output}`);
    }
    const integrity = await sha512(join(staging, tarball));
    if (integrity !== EMULATOR_PACKAGE.integrity) {
      throw new LocalServiceError(
        `${spec} tarball integrity mismatch (expected ${EMULATOR_PACKAGE.integrity}, got ${integrity})`,
      );
    }

    progress('Extracting DynamoDB Local');
    // Relative paths and cwd: GNU tar would read "C:\..." as a remote host.
    const extracted = await run('tar', ['-xzf', tarball, 'package/emulator'], {
      cwd: staging,
      timeoutMs: 5 * 60_000,
    });
    const emulator = join(staging, 'package', 'emulator');
    if (extracted.code !== 0 || !existsSync(join(emulator, 'DynamoDBLocal.jar'))) {
      throw new LocalServiceError(
        `Extracting package/emulator from ${tarball} with tar failed (exit code ${extracted.code}):\n${extracted.output}`,
      );
    }
    await writeFile(join(emulator, COMPLETE_MARKER), `${spec}\n`);
    await publish(emulator, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
};

/**
 * Moves the complete staging folder to `target` in one rename, so `target` is either absent or
 * complete. Another process may have published first: keep its copy.
 */
const publish = async (emulator: string, target: string): Promise<void> => {
  try {
    await rename(emulator, target);
  } catch (error) {
    if (existsSync(join(target, COMPLETE_MARKER))) return;
    if (!existsSync(target)) throw error;
    // A folder without the marker is not ours to trust (a copy by hand, an old layout): replace it.
    await rm(target, { recursive: true, force: true });
    await rename(emulator, target);
  }
};

const inFlight = new Map<string, Promise<string>>();

/**
 * Makes sure AWS's DynamoDB Local is in the cache and returns its folder (the one holding
 * `DynamoDBLocal.jar` and `DynamoDBLocal_lib/`). The first call fetches the
 * `amplify-dynamodb-simulator` tarball with `npm pack` (~57 MB, through your npm registry
 * settings), checks its pinned integrity and extracts only `package/emulator` (needs `tar`,
 * standard on Linux, macOS and Windows 10+). Safe to call concurrently from several processes.
 *
 * @example
 * ```ts
 * const dir = await ensureDynamoDbLocal({ onProgress: (message) => console.error(message) });
 * ```
 */
export const ensureDynamoDbLocal = (options: EnsureDynamoDbLocalOptions = {}): Promise<string> => {
  const cacheDir = options.cacheDir ?? defaultDynamoDbLocalCacheDir();
  const target = join(cacheDir, EMULATOR_PACKAGE.version);
  if (existsSync(join(target, COMPLETE_MARKER))) return Promise.resolve(target);
  const pending =
    inFlight.get(target) ??
    (async () => {
      await download(cacheDir, target, options.onProgress ?? (() => {}));
      options.onProgress?.(`DynamoDB Local is ready in ${target}`);
      return target;
    })().finally(() => inFlight.delete(target));
  inFlight.set(target, pending);
  return pending;
};

const launch = async (
  dir: string,
  port: number,
  options: StartDynamoDbLocalOptions,
): Promise<ManagedProcess> => {
  if (await isPortAnswering(port)) {
    throw new LocalServiceError(`DynamoDB Local cannot use port ${port}: address already in use`);
  }
  const args = [
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    '-inMemory',
    '-port',
    String(port),
    '-disableTelemetry',
    ...(options.sharedDb === false ? [] : ['-sharedDb']),
  ];
  const child = spawnManaged({
    command: javaCommand(),
    args,
    cwd: dir,
    env: process.env,
    watch: [BINDING_LINE, BIND_FAILURE],
  });
  const probe = dynamoDbClient(`http://127.0.0.1:${port}`, {
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 500, requestTimeout: 2_000 }),
  });
  try {
    await waitUntilReady(child, () => probe.send(new ListTablesCommand({})), {
      name: `DynamoDB Local on port ${port}`,
      timeoutMs: options.startTimeoutMs ?? 30_000,
      intervalMs: 100,
      bindingLine: BINDING_LINE,
      bindFailure: BIND_FAILURE,
    });
  } finally {
    probe.destroy();
  }
  return child;
};

const isAddressInUse = (error: unknown): boolean =>
  error instanceof LocalServiceError && /address already in use/i.test(error.message);

/**
 * Starts AWS's own DynamoDB Local (Java, in memory) on a free port and resolves once it answers
 * `ListTables` (~2 s after the one-time download of {@link ensureDynamoDbLocal}). Unlike dynalite
 * it supports transactions, PartiQL and TTL settings. Needs Java: check {@link isJavaAvailable}.
 * The JVM is SIGKILLed by `stop()` and when this process exits.
 *
 * @example
 * ```ts
 * const dynamo = await startDynamoDbLocal();
 * const client = dynamoDbClient(dynamo.endpoint);
 * await client.send(new TransactWriteItemsCommand({ TransactItems: [...] }));
 * await dynamo.stop();
 * ```
 */
export const startDynamoDbLocal = async (options: StartDynamoDbLocalOptions = {}): Promise<LocalService> => {
  if (!(await isJavaAvailable())) {
    throw new LocalServiceError(
      `DynamoDB Local needs Java, but '${javaCommand()}' could not be run: install a Java runtime (11 or newer), set JAVA_HOME, or use startDynalite()`,
    );
  }
  const dir = await ensureDynamoDbLocal(options);
  let port = options.port || (await freePort('0.0.0.0'));
  let child: ManagedProcess | undefined;
  for (let attempt = 1; child === undefined; attempt += 1) {
    try {
      child = await launch(dir, port, options);
    } catch (error) {
      if (options.port || attempt >= BIND_ATTEMPTS || !isAddressInUse(error)) throw error;
      port = await freePort('0.0.0.0');
    }
  }
  const running = child;
  return {
    kind: 'dynamodb-local',
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await running.stop('SIGKILL');
    },
  };
};
