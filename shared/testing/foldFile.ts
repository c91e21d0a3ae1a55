import { readFile } from 'node:fs/promises';
import type { PipelineDefinition } from '../definition/types.ts';
import { BatchFolder } from '../fold/BatchFolder.ts';
import { buildFoldReport, type FoldReport } from '../fold/foldReport.ts';
import type { SourceRecord } from '../record/types.ts';

/** Options of {@link foldFile}. */
export interface FoldFileOptions {
  /**
   * When the records arrived (epoch ms): what lateness is measured against, as `streamfold fold --arrival`.
   * @default Date.now()
   */
  readonly arrivalMs?: number;
}

/**
 * Folds a file with a pipeline as the deployed handler folds one batch (one Kinesis record per line) and
 * returns what `streamfold fold --json` prints: results sorted by window and group, rejections with their
 * line, the late count. For tests of your own pipelines.
 *
 * @example
 * import { foldFile } from 'streamfold/testing';
 * const report = await foldFile(actions, 'samples/actions.ndjson', { arrivalMs: Date.parse('2026-11-21T08:35:00Z') });
 * expect(report.results[0]?.metrics.actions).toBe(3);
 */
export const foldFile = async (
  definition: PipelineDefinition,
  path: string,
  options: FoldFileOptions = {},
): Promise<FoldReport> => {
  const content = await readFile(path);
  const lines = content.toString('latin1').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const arrivalMs = options.arrivalMs ?? Date.now();
  const sources: SourceRecord[] = lines.map((line, i) => ({
    data: Buffer.from(line.endsWith('\r') ? line.slice(0, -1) : line, 'latin1'),
    sequenceNumber: String(i + 1),
    partitionKey: '',
    arrivalMs,
  }));
  return buildFoldReport(definition, new BatchFolder(definition).fold(sources), (o) =>
    Number(o.sequenceNumber),
  );
};
