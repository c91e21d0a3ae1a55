export { AsyncQueue, type AsyncQueueOptions } from './asyncQueue.ts';
export { fileLines } from './fileLines.ts';
export { LineSplitter, type LineSplitterOptions } from './LineSplitter.ts';
export { type LineListener, type ListenOptions, listen } from './listen.ts';
export { untilAborted } from './untilAborted.ts';
