import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { mapLimit } from '../storage/mapLimit.ts';
import { windowKeyOf } from '../storage/resultItem.ts';
import type { ResultsTableReader } from './ResultsTableReader.ts';

/** What {@link listWindows} needs. */
export interface ListWindowsRequest {
  /** The rank index that lists every group of a window (see `windowIndexOf`). */
  readonly indexName: string;
  /** Starts of the windows to list. */
  readonly windowStarts: readonly number[];
  /** Attributes of each entry to read (projected by the index). */
  readonly attributes: readonly string[];
  /** Queries in flight at once. */
  readonly concurrency: number;
  /** Called after each window's Query. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Every entry of the given windows on a rank index: one Query per window (`windowKey = <pipeline>#<start>`,
 * all pages), `concurrency` at a time, index reads being eventually consistent. Used to find which groups
 * have data in a range before reading them, and what their readable metrics were.
 *
 * @example
 * const entries = await listWindows(reader, { indexName: 'rank-requests', windowStarts, attributes: ['groupKey', 'group'], concurrency: 8 });
 */
export const listWindows = async (
  reader: ResultsTableReader,
  request: ListWindowsRequest,
): Promise<Record<string, AttributeValue>[]> => {
  let done = 0;
  const settled = await mapLimit(request.windowStarts, request.concurrency, async (start) => {
    const items = await reader.items({
      keyCondition: {
        expression: '#wk = :wk',
        names: { '#wk': A.windowKey },
        values: { ':wk': { S: windowKeyOf(reader.definition.name, start) } },
      },
      attributes: request.attributes,
      indexName: request.indexName,
    });
    done += 1;
    request.onProgress?.(done, request.windowStarts.length);
    return items;
  });
  return settled.flatMap((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
};
