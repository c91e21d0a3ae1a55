import type { EventSourceMappingEvent } from '../esm/types.ts';

/**
 * One line for an event source mapping event that is a failed invocation: the handler threw or timed
 * out.
 *
 * @example
 * failureLine('ohlc', event); // 'ohlc shardId-000000000000: the handler failed (retry 2): connect ECONNREFUSED 127.0.0.1:8000'
 */
export const failureLine = (pipeline: string, event: EventSourceMappingEvent): string | undefined => {
  if (event.type === 'invocation' && event.result.kind === 'error') {
    return `${pipeline} ${event.shardId}: the handler failed (retry ${event.retry}): ${event.result.error.message}`;
  }
  if (event.type === 'invocation' && event.result.kind === 'timeout') {
    return `${pipeline} ${event.shardId}: the handler timed out (retry ${event.retry})`;
  }
  // Kinesis calls that fail or are slow are not lines here: dev turns them into throttled warnings
  // (MappingWarnings), which a kinesis-local under load would otherwise repeat every retry.
  return undefined;
};
