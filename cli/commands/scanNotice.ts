import type { PipelineDefinition } from '../../shared/definition/types.ts';

/**
 * The note a command prints on standard error before a read that Scans the whole results table (a
 * pipeline without `rankBy`, the group not given whole): what Scans, why, what it costs and how to avoid
 * it. The read goes on; only rollups and range `top` refuse a Scan without `--yes`.
 *
 * @param what - who reads, e.g. `query ohlc without every group field (symbol)`.
 * @param scans - how many Scans, e.g. `a Scan`.
 * @param avoid - how to avoid it, e.g. `give every group field with --group, or add rankBy to the pipeline`.
 * @example
 * notice(scanNotice(definition, tableName, `query ${definition.name}`, 'a Scan', 'add rankBy to the pipeline'));
 */
export const scanNotice = (
  definition: PipelineDefinition,
  tableName: string,
  what: string,
  scans: string,
  avoid: string,
): string =>
  `${what} reads the whole table "${tableName}" with ${scans}: pipeline ${definition.name} has no rankBy index to list the groups of a window, so every item of the table is read (and billed) however short the range. To avoid it, ${avoid}.`;
