import type { PipelineDefinition } from '../definition/types.ts';
import { selectGroup } from './selectGroup.ts';
import type { QueryStrategy } from './types.ts';
import { windowIndexOf } from './windowIndex.ts';

/**
 * How `queryWindows` reads a pipeline's results for a group filter, decided before any request: `group`
 * (every group-by field given: one Query on the group's partition), `rank-index` (one Query per window on
 * the pipeline's rank index) or `scan` (no rank index, no whole group: a Scan of the whole table, which
 * reads and is billed for every item however short the range). Callers use it to warn before a Scan.
 *
 * @throws {QueryInputError} for a group field the pipeline does not group by.
 * @example
 * queryStrategy(requestsByIp, { ip: '203.0.113.9' }); // 'group'
 * queryStrategy(requestsByIp); // 'rank-index'
 */
export const queryStrategy = (
  definition: PipelineDefinition,
  group?: Readonly<Record<string, string>>,
): QueryStrategy => {
  if (selectGroup(definition, group).groupKey !== undefined) return 'group';
  return windowIndexOf(definition) === undefined ? 'scan' : 'rank-index';
};
