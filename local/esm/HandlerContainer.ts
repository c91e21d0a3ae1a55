import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { FunctionError } from './errors.ts';
import type { FunctionLogLine, InvokeResult } from './types.ts';
import type { HandlerWorkerData, InvokeMessage, WorkerMessage } from './workerMessages.ts';

/** Options of {@link HandlerContainer}. */
export interface HandlerContainerOptions {
  /** Distinguishes containers in log lines. */
  readonly id: number;
  /** `file:` URL of tsx's ESM API (`tsx/esm/api`), registered in the worker before anything else. */
  readonly tsxApiUrl: string;
  /** `file:` URL of the worker entry (`handlerWorker.ts`). */
  readonly entryUrl: string;
  readonly workerData: HandlerWorkerData;
  /** The container's whole `process.env`. */
  readonly env: Readonly<Record<string, string>>;
  readonly onLog: (line: FunctionLogLine) => void;
}

interface Current {
  readonly requestId: string;
  readonly settle: (result: InvokeResult) => void;
}

const MAX_LINE_CHARS = 16_000;

/**
 * One Lambda container: a worker thread that loads the handler module once (init) and runs one invocation
 * at a time, with its own `process.env` and module state. A timeout terminates it: whatever it wrote
 * before stays written, and the caller starts a fresh container (a cold start) for the next invocation.
 *
 * @example
 * ```ts
 * const container = new HandlerContainer({ id: 1, tsxApiUrl, entryUrl, workerData, env, onLog });
 * await container.ready;
 * const result = await container.invoke(event, 60_000);
 * await container.terminate();
 * ```
 */
export class HandlerContainer {
  public readonly id: number;
  /** Settles when the handler module is loaded; rejects with a {@link FunctionError} when it cannot be. */
  public readonly ready: Promise<void>;
  private readonly worker: Worker;
  private current: Current | undefined;
  private dead = false;

  public constructor(private readonly options: HandlerContainerOptions) {
    this.id = options.id;
    const bootstrap = `import(${JSON.stringify(options.tsxApiUrl)}).then((api) => { api.register(); return import(${JSON.stringify(options.entryUrl)}); });`;
    this.worker = new Worker(bootstrap, {
      eval: true,
      env: { ...options.env },
      execArgv: [],
      workerData: options.workerData,
      stdout: true,
      stderr: true,
      name: `${options.workerData.functionName}#${options.id}`,
      resourceLimits: { maxOldGenerationSizeMb: options.workerData.memoryMb },
    });
    this.worker.unref();
    this.forward(this.worker.stdout, 'stdout');
    this.forward(this.worker.stderr, 'stderr');

    let resolveReady: () => void = () => undefined;
    let rejectReady: (error: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => undefined);
    let isReady = false;

    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        isReady = true;
        resolveReady();
        return;
      }
      const current = this.current;
      if (current === undefined || current.requestId !== message.requestId) return;
      if (message.type === 'error') {
        const { errorType, errorMessage, stack } = message.error;
        const error = new FunctionError(errorMessage, { errorType });
        if (stack !== undefined) error.stack = stack;
        current.settle({ kind: 'error', error });
        return;
      }
      try {
        const response =
          message.payload === undefined
            ? undefined
            : (JSON.parse(message.payload) as KinesisStreamBatchResponse);
        current.settle({ kind: 'ok', response });
      } catch (error) {
        current.settle({
          kind: 'error',
          error: new FunctionError(String(error), { errorType: 'Runtime.InvalidResponse' }),
        });
      }
    });
    this.worker.on('error', (thrown: unknown) => {
      // An exception nobody caught: during init (the module failed to load) or in an invocation.
      this.dead = true;
      const name = thrown instanceof Error ? thrown.name : 'Error';
      const error = new FunctionError(thrown instanceof Error ? thrown.message : String(thrown), {
        errorType: isReady ? `Runtime.UncaughtException (${name})` : `Runtime.InitError (${name})`,
        cause: thrown,
      });
      if (!isReady) rejectReady(error);
      this.current?.settle({ kind: 'error', error });
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      const error = new FunctionError(`The runtime exited with code ${code}`, {
        errorType: 'Runtime.ExitError',
      });
      if (!isReady) rejectReady(error);
      this.current?.settle({ kind: 'error', error });
    });
  }

  /** False once the worker crashed, exited or was terminated. */
  public get alive(): boolean {
    return !this.dead;
  }

  /**
   * Runs the handler once. On timeout the worker is terminated and `{ kind: 'timeout' }` returned.
   * Call only after {@link ready} resolved, one invocation at a time.
   */
  public invoke(event: KinesisStreamEvent, timeoutMs: number): Promise<InvokeResult> {
    if (this.dead) {
      return Promise.resolve({
        kind: 'error',
        error: new FunctionError('The container is gone', { errorType: 'Runtime.ExitError' }),
      });
    }
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.current = undefined;
        void this.terminate();
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.current = {
        requestId,
        settle: (result) => {
          clearTimeout(timer);
          this.current = undefined;
          resolve(result);
        },
      };
      const message: InvokeMessage = { type: 'invoke', requestId, event, deadlineMs: Date.now() + timeoutMs };
      this.worker.postMessage(message);
    });
  }

  /** Kills the worker at once, mid-invocation or not. */
  public async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }

  private forward(stream: Readable, name: FunctionLogLine['stream']): void {
    let partial = '';
    const emit = (line: string): void => {
      try {
        this.options.onLog({
          stream: name,
          line: line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line,
          requestId: this.current?.requestId,
          containerId: this.id,
        });
      } catch {
        // A failing log sink must not break the function.
      }
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) emit(line);
    });
    stream.on('end', () => {
      if (partial !== '') emit(partial);
      partial = '';
    });
  }
}
