export { accessLogs } from './accessLogs.ts';
export { BATCH_EPOCH_MS, BATCH_SPAN_MS } from './clock.ts';
export { csvRows } from './csvRows.ts';
export { kinesisBatch, payloadBytes } from './kinesisBatch.ts';
export { seededRandom } from './prng.ts';
export { type RequestsJsonOptions, requestsJson } from './requestsJson.ts';
export { sensors } from './sensors.ts';
export { trades } from './trades.ts';
export type { BatchGenerator, GeneratedRecord, GeneratorOptions } from './types.ts';
