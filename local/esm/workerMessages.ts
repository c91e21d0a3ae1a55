import type { KinesisStreamEvent, KinesisStreamTumblingWindowEvent } from 'aws-lambda';

/** What a handler worker is started with (`workerData`). */
export interface HandlerWorkerData {
  /** `file:` URL of the handler module. */
  readonly moduleUrl: string;
  /** Name of the exported handler function. */
  readonly exportName: string;
  readonly functionName: string;
  readonly memoryMb: number;
  readonly region: string;
  readonly accountId: string;
}

/** An error as it crosses the thread boundary (Lambda's `errorType`/`errorMessage`). */
export interface SerializedError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stack: string | undefined;
}

/** Parent → worker: run the handler once. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent;
  /** Epoch ms at which the invocation times out (`getRemainingTimeInMillis` counts down to it). */
  readonly deadlineMs: number;
}

/** Worker → parent. */
export type WorkerMessage =
  /** The module is loaded (Lambda's init phase is over). */
  | { readonly type: 'ready' }
  /** The handler returned; `payload` is its JSON, or undefined when it returned nothing. */
  | { readonly type: 'result'; readonly requestId: string; readonly payload: string | undefined }
  | { readonly type: 'error'; readonly requestId: string; readonly error: SerializedError };
