import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ownModule } from '../../shared/runtime/ownModule.ts';
import { LOCAL_ACCOUNT_ID } from './constants.ts';
import { FUNCTION_DEFAULTS } from './defaults.ts';
import { FunctionError } from './errors.ts';
import { HandlerContainer } from './HandlerContainer.ts';
import type { FunctionLogLine, InvokeResult, Invoker } from './types.ts';

/** Options of {@link workerInvoker}. */
export interface WorkerInvokerOptions {
  /**
   * The handler module: a path (relative to the current directory) or a `file:` URL; TypeScript is fine.
   * @default `functions/aggregate.ts` (the deployed aggregation handler, with the config found from the current directory or `STREAMFOLD_CONFIG`)
   */
  readonly module?: string | URL;
  /**
   * The module's export to call.
   * @default 'handler'
   */
  readonly exportName?: string;
  /**
   * The function's environment variables (e.g. `PIPELINE_NAME`, `RESULTS_TABLE`, `DEAD_LETTER_TABLE`,
   * `DYNAMODB_ENDPOINT`). The container does not inherit this process's environment: it gets Lambda's
   * own variables (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_NAME`...), dummy credentials `local`/`local`, and these.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * `AWS_LAMBDA_FUNCTION_NAME` and the context's `functionName`.
   * @default 'streamfold-local'
   */
  readonly functionName?: string;
  /**
   * Memory size: the context's `memoryLimitInMB` and the worker's heap limit.
   * @default 1024 - the construct's memory size
   */
  readonly memoryMb?: number;
  /**
   * `AWS_REGION` of the container.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Longest time to load the handler module (Lambda's init phase) before the invocation fails.
   * @default 30_000
   */
  readonly initTimeoutMs?: number;
  /**
   * Most containers at once (Lambda's reserved concurrency); further invocations wait.
   * @default Infinity - one container per concurrent invocation, as Lambda scales
   */
  readonly maxConcurrency?: number;
  /**
   * Receives every line the function writes to stdout or stderr (they are not printed).
   * @default undefined - lines are discarded
   */
  readonly onLog?: (line: FunctionLogLine) => void;
}

/** Counters of a {@link WorkerInvoker}. */
export interface WorkerInvokerStats {
  /** Containers started (the first invocation, concurrency, and every restart after a timeout or crash). */
  readonly coldStarts: number;
  readonly invocations: number;
  readonly timeouts: number;
  readonly errors: number;
  /** Containers alive now. */
  readonly containers: number;
}

/** A function run locally in worker threads, one per Lambda container. */
export interface WorkerInvoker {
  /** Invokes the function; give it to an {@link EventSourceMapping}. */
  readonly invoke: Invoker;
  stats(): WorkerInvokerStats;
  /** Terminates every container. Invocations after this fail. */
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** `file:` URL of tsx's ESM registration API, wherever the process was started from. */
const tsxApiUrl = (): string => {
  if (typeof import.meta.resolve === 'function') {
    try {
      return import.meta.resolve('tsx/esm/api');
    } catch {
      // Some loaders (vitest's) do not implement it: fall back to the package's layout.
    }
  }
  return pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
};

const DEFAULT_MODULE = ownModule('../../functions/aggregate', import.meta.url);
const ENTRY = ownModule('./handlerWorker', import.meta.url);

const moduleUrl = (module: string | URL): string =>
  module instanceof URL ? module.href : pathToFileURL(resolve(module)).href;

/**
 * Runs a handler module like Lambda's Node.js runtime, in `worker_threads` workers: each worker is a
 * container with its own `process.env` whose module state stays warm across invocations; concurrent
 * invocations (one per shard) get containers of their own. A timeout terminates the container mid-batch
 * (what it wrote stays written) and the next invocation cold-starts a new one. TypeScript handlers load
 * through tsx, from any working directory.
 *
 * @example
 * ```ts
 * const functions = workerInvoker({
 *   env: { PIPELINE_NAME: 'ohlc', RESULTS_TABLE: names.resultsTable, DEAD_LETTER_TABLE: names.deadLetterTable, DYNAMODB_ENDPOINT: dynamo.endpoint },
 *   onLog: ({ line }) => logs.push(line),
 * });
 * const result = await functions.invoke(event, 60_000); // { kind: 'ok', response: { batchItemFailures: [] } }
 * await functions.close();
 * ```
 */
export const workerInvoker = (options: WorkerInvokerOptions = {}): WorkerInvoker => {
  const functionName = options.functionName ?? FUNCTION_DEFAULTS.functionName;
  const memoryMb = options.memoryMb ?? FUNCTION_DEFAULTS.memoryMb;
  const region = options.region ?? FUNCTION_DEFAULTS.region;
  const initTimeoutMs = options.initTimeoutMs ?? 30_000;
  const maxConcurrency = options.maxConcurrency ?? Number.POSITIVE_INFINITY;
  const onLog = options.onLog ?? (() => undefined);
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    ...options.env,
  };
  const shared = {
    tsxApiUrl: tsxApiUrl(),
    entryUrl: ENTRY.href,
    workerData: {
      moduleUrl: moduleUrl(options.module ?? DEFAULT_MODULE),
      exportName: options.exportName ?? 'handler',
      functionName,
      memoryMb,
      region,
      accountId: LOCAL_ACCOUNT_ID,
    },
    env,
    onLog,
  };

  const idle: HandlerContainer[] = [];
  const alive = new Set<HandlerContainer>();
  const waiting: (() => void)[] = [];
  let busy = 0;
  let closed = false;
  const counters = { coldStarts: 0, invocations: 0, timeouts: 0, errors: 0 };

  const acquire = (): HandlerContainer => {
    for (let container = idle.pop(); container !== undefined; container = idle.pop()) {
      if (container.alive) return container;
      alive.delete(container);
    }
    counters.coldStarts += 1;
    const container = new HandlerContainer({ ...shared, id: counters.coldStarts });
    alive.add(container);
    return container;
  };

  const initialized = async (container: HandlerContainer): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new FunctionError(`The handler module did not load within ${initTimeoutMs} ms`, {
              errorType: 'Runtime.InitTimeout',
            }),
          ),
        initTimeoutMs,
      );
    });
    try {
      await Promise.race([container.ready, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };

  const run = async (container: HandlerContainer, event: Parameters<Invoker>[0], timeoutMs: number) => {
    try {
      await initialized(container);
    } catch (error) {
      await container.terminate();
      return { kind: 'error', error: error as Error } satisfies InvokeResult;
    }
    return container.invoke(event, timeoutMs);
  };

  const invoke: Invoker = async (event, timeoutMs) => {
    if (closed) {
      return {
        kind: 'error',
        error: new FunctionError('The worker invoker is closed', { errorType: 'Runtime.Closed' }),
      };
    }
    while (busy >= maxConcurrency) await new Promise<void>((wake) => waiting.push(wake));
    busy += 1;
    counters.invocations += 1;
    try {
      const container = acquire();
      const result: InvokeResult = await run(container, event, timeoutMs);
      if (result.kind === 'timeout') counters.timeouts += 1;
      if (result.kind === 'error') counters.errors += 1;
      if (container.alive && !closed) idle.push(container);
      else alive.delete(container);
      return result;
    } finally {
      busy -= 1;
      waiting.shift()?.();
    }
  };

  return {
    invoke,
    stats: () => ({ ...counters, containers: [...alive].filter((c) => c.alive).length }),
    close: async () => {
      closed = true;
      const all = [...alive];
      alive.clear();
      idle.length = 0;
      await Promise.all(all.map((container) => container.terminate()));
    },
  };
};
