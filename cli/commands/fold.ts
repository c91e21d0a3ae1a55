import type { Command } from 'commander';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { buildFoldReport, type FoldReport } from '../../shared/fold/foldReport.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { formatDuration } from '../../shared/time/duration.ts';
import { parseIsoTimestamp } from '../../shared/time/timestamp.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { readLines } from '../readLines.ts';
import { formatValue } from '../render/formatValue.ts';
import { renderTable } from '../render/table.ts';

/** Options of `streamfold fold`. */
export interface FoldCommandOptions {
  readonly input: string;
  readonly json?: boolean;
  readonly arrival?: string;
  readonly base64?: boolean;
}

const MAX_REJECTIONS_SHOWN = 20;

/**
 * Folds a file with a pipeline, as the Lambda handler would fold one batch: one Kinesis record per line.
 *
 * @example
 * const { report } = await runFold('ohlc', { input: 'trades.ndjson' });
 */
export const runFold = async (
  pipelineRef: string,
  options: FoldCommandOptions,
): Promise<{ definition: PipelineDefinition; report: FoldReport }> => {
  const definition = await loadPipeline(pipelineRef);
  let arrivalMs = Date.now();
  if (options.arrival !== undefined) {
    const parsed = parseIsoTimestamp(options.arrival);
    if (parsed === undefined) {
      throw new UsageError(
        `--arrival must be an ISO 8601 timestamp such as 2026-11-21T08:30:00Z (given "${options.arrival}")`,
      );
    }
    arrivalMs = parsed;
  }
  const lines = await readLines(options.input);
  const sources: SourceRecord[] = lines.map((line, i) => ({
    data: options.base64 === true ? Buffer.from(line.toString('latin1'), 'base64') : line,
    sequenceNumber: String(i + 1),
    partitionKey: '',
    arrivalMs,
  }));
  const batch = new BatchFolder(definition).fold(sources);
  return {
    definition,
    report: buildFoldReport(definition, batch, (origin) => Number(origin.sequenceNumber)),
  };
};

/**
 * Renders a fold report for a terminal: a summary line, a table of results, rejections and late records.
 *
 * @example
 * console.log(renderFoldReport(definition, report));
 */
export const renderFoldReport = (definition: PipelineDefinition, report: FoldReport): string => {
  const { stats } = report;
  const out: string[] = [
    `${report.pipeline}: ${stats.in} record(s) in, ${stats.folded} folded, ${stats.rejected} rejected, ${stats.late} late` +
      (stats.filtered > 0 ? `, ${stats.filtered} filtered` : '') +
      `; ${report.results.length} window result(s)`,
  ];
  if (report.results.length > 0) {
    const headers = ['window start', ...definition.groupBy, ...definition.metricNames];
    const rows = report.results.map((r) => [
      r.window.start.replace('.000Z', 'Z'),
      ...definition.groupBy.map((field) => r.group[field] ?? ''),
      ...definition.metricNames.map((name) => formatValue(r.metrics[name] ?? null)),
    ]);
    out.push('', renderTable(headers, rows));
  }
  if (report.rejected.length > 0) {
    out.push('', `Rejected (${report.rejected.length}):`);
    for (const r of report.rejected.slice(0, MAX_REJECTIONS_SHOWN)) {
      out.push(`  line ${r.line}  ${r.reason}: ${r.message}`, `      ${r.excerpt}`);
    }
    if (report.rejected.length > MAX_REJECTIONS_SHOWN) {
      out.push(`  … and ${report.rejected.length - MAX_REJECTIONS_SHOWN} more (see --json)`);
    }
  }
  if (report.late > 0) {
    out.push(
      '',
      `Late: ${report.late} record(s) arrived after their window's end plus the allowed lateness (${formatDuration(definition.window.allowedLatenessMs)}); give --arrival to fold a file as of another time.`,
    );
  }
  return out.join('\n');
};

/** Registers `streamfold fold` on the program. */
export const registerFold = (program: Command): void => {
  program
    .command('fold')
    .description(
      'Dry-run a pipeline on a file: decode and fold it locally, print results per (group, window)',
    )
    .argument(
      '<pipeline>',
      'a pipeline of your config (--config, else streamfold.config.ts here or above, else the built-in examples) or a module path[#name]',
    )
    .requiredOption('-i, --input <file>', 'input file, one Kinesis record per line ("-" for standard input)')
    .option('--json', 'print one JSON document: { pipeline, results, rejected, late, stats }')
    .option(
      '--arrival <iso>',
      'arrival time of every record (decides lateness); default: the moment of reading',
    )
    .option('--base64', 'each line is the base64 of a record payload (for gzip or KPL records)')
    .addHelpText(
      'after',
      '\nExamples:\n  streamfold fold requests-by-ip --input access.log\n  streamfold fold ohlc --input trades.ndjson --arrival 2026-11-21T08:35:00Z --json',
    )
    .action(async (pipelineRef: string, options: FoldCommandOptions) => {
      const { definition, report } = await runFold(pipelineRef, options);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${renderFoldReport(definition, report)}\n`);
    });
};
