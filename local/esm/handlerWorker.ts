/*
 * Entry of a handler worker: one worker thread is one Lambda container. It imports the handler module once
 * (the init phase; module state stays warm across invocations) and then runs one invocation at a time.
 * Started by `workerInvoker.ts` after registering tsx, so the handler can be TypeScript.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { quietNodeVersionWarning } from '../../shared/runtime/quietNodeVersionWarning.ts';
import type { HandlerWorkerData, InvokeMessage, SerializedError, WorkerMessage } from './workerMessages.ts';

quietNodeVersionWarning();

type Handler = (
  event: unknown,
  context: Context,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

const data = workerData as HandlerWorkerData;
const port = parentPort;
if (port === null) throw new Error('handlerWorker.ts must run in a worker thread');

const post = (message: WorkerMessage): void => port.postMessage(message);

const serialize = (error: unknown): SerializedError =>
  error instanceof Error
    ? { errorType: error.name, errorMessage: error.message, stack: error.stack }
    : { errorType: 'Error', errorMessage: String(error), stack: undefined };

const handlerModule = (await import(data.moduleUrl)) as Readonly<Record<string, unknown>>;
const exported = handlerModule[data.exportName];
if (typeof exported !== 'function') {
  throw new Error(
    `${data.moduleUrl} exports no function named "${data.exportName}" (exports: ${Object.keys(handlerModule).join(', ') || 'none'})`,
  );
}
const handler = exported as Handler;

const context = (message: InvokeMessage): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: data.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${data.region}:${data.accountId}:function:${data.functionName}`,
  memoryLimitInMB: String(data.memoryMb),
  awsRequestId: message.requestId,
  logGroupName: `/aws/lambda/${data.functionName}`,
  logStreamName: `local/[$LATEST]${message.requestId.replaceAll('-', '')}`,
  getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** Calls the handler as Lambda's Node.js runtime does: a returned promise, or the callback for 3-argument handlers. */
const call = (message: InvokeMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown): void => {
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    const returned = handler(message.event, context(message), callback);
    if (handler.length < 3 || (typeof returned === 'object' && returned !== null && 'then' in returned)) {
      Promise.resolve(returned).then(resolve, reject);
    }
  });

port.on('message', (message: InvokeMessage) => {
  call(message).then(
    (result) => {
      let payload: string | undefined;
      try {
        // Lambda serializes the response as JSON: whatever JSON cannot carry is lost here too.
        payload = result === undefined ? undefined : JSON.stringify(result);
      } catch (error) {
        post({ type: 'error', requestId: message.requestId, error: serialize(error) });
        return;
      }
      post({ type: 'result', requestId: message.requestId, payload });
    },
    (error: unknown) => post({ type: 'error', requestId: message.requestId, error: serialize(error) }),
  );
});

post({ type: 'ready' });
