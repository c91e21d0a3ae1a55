import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Command } from 'commander';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { ReplayError } from '../../shared/replay/errors.ts';
import { LetterReplayer } from '../../shared/replay/LetterReplayer.ts';
import { ReplayLock } from '../../shared/replay/ReplayLock.ts';
import { LETTER_VERDICTS, type ReplayReport } from '../../shared/replay/types.ts';
import { openKinesis } from '../awsClients.ts';
import { type AwsCliOptions, parseEndpointOption, withAwsOptions } from '../awsOptions.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { renderTable } from '../render/table.ts';
import { exitInterrupted, interruptible } from './interruptible.ts';
import { type LetterFilterCliOptions, parseLetterFilter, withLetterFilterOptions } from './letterOptions.ts';
import { type CommandIo, withDynamoDb } from './queryCommon.ts';

/** The first `count` values of an async iterable. */
async function* take<T>(count: number, values: AsyncIterable<T>): AsyncGenerator<T> {
  if (count <= 0) return;
  let taken = 0;
  for await (const value of values) {
    yield value;
    taken += 1;
    if (taken >= count) return;
  }
}

/** Options of `streamfold replay`. */
export interface ReplayCommandOptions extends AwsCliOptions, LetterFilterCliOptions {
  readonly limit?: string;
  readonly dryRun?: boolean;
  readonly includeLate?: boolean;
  readonly kinesisEndpoint?: string;
  readonly breakLock?: boolean;
  readonly json?: boolean;
  readonly table?: string;
  readonly deadLetterTable?: string;
}

/** What `replay` adds to a command's surroundings: where progress goes. */
export interface ReplayIo extends CommandIo {
  /**
   * Receives progress lines while letters are replayed.
   * @default - standard error, when it is a terminal
   */
  readonly progress?: (text: string) => void;
  /** Stops the work between chunks (or messages) when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Where `replay` and `redrive` write: `io`'s sinks, else standard output, and progress lines on standard
 * error when it is a terminal.
 *
 * @example
 * const { write, progress } = replayOutput(io);
 */
export const replayOutput = (
  io: ReplayIo,
): { readonly write: (text: string) => void; readonly progress: ((text: string) => void) | undefined } => ({
  write: io.write ?? ((text: string) => void process.stdout.write(text)),
  progress:
    io.progress ??
    (process.stderr.isTTY ? (text: string) => void process.stderr.write(`${text}\n`) : undefined),
});

/**
 * Replays a pipeline's dead letters for `streamfold replay`: folds them with the pipeline's current
 * definition and, unless `dryRun`, writes what folds exactly once.
 *
 * @throws {UsageError} for an unknown pipeline, a bad time, reason or kind.
 * @example
 * const { report } = await runReplay('ohlc', { reason: 'missing-field', dryRun: true, endpoint });
 */
export const runReplay = async (
  pipelineRef: string,
  options: ReplayCommandOptions,
  io: ReplayIo = {},
): Promise<{ definition: PipelineDefinition; report: ReplayReport }> => {
  const definition = await loadPipeline(pipelineRef);
  const filter = { ...parseLetterFilter(options), unreplayedOnly: true };
  if (options.limit !== undefined && !/^[1-9]\d*$/.test(options.limit)) {
    throw new UsageError(`-n must be a positive whole number of letters (given "${options.limit}")`);
  }
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : Number(options.limit);
  const names = pipelineResourceNames(definition);
  const resultsTable = options.table ?? names.resultsTable;
  const deadLetterTable = options.deadLetterTable ?? names.deadLetterTable;
  const now = io.now ?? Date.now;
  return withDynamoDb(options, [resultsTable, deadLetterTable], async (client) => {
    // Large payloads are read back from the stream: on AWS with the same account, locally at --kinesis-endpoint.
    let kinesis: KinesisClient | undefined;
    if (options.kinesisEndpoint !== undefined || options.endpoint === undefined) {
      const { endpoint: _endpoint, ...rest } = options;
      kinesis = await openKinesis({
        ...rest,
        ...(options.kinesisEndpoint !== undefined ? { endpoint: options.kinesisEndpoint } : {}),
      });
    }
    const lock =
      options.dryRun === true
        ? undefined
        : new ReplayLock({ client, tableName: deadLetterTable, pipeline: definition.name, now });
    try {
      await lock?.acquire(options.breakLock === true);
      const replayer = new LetterReplayer({
        definition,
        client,
        resultsTable,
        deadLetterTable,
        ...(kinesis !== undefined ? { kinesis: { client: kinesis, streamName: definition.stream } } : {}),
        includeLate: options.includeLate === true,
        dryRun: options.dryRun === true,
        ...(lock !== undefined ? { lock } : {}),
        ...(io.signal !== undefined ? { signal: io.signal } : {}),
        now,
        ...(io.progress !== undefined
          ? {
              onProgress: (r: ReplayReport) =>
                io.progress?.(
                  `replay: ${r.considered} letter(s) read, ${r.verdicts.folds} fold, ${r.itemsWritten} item(s) written`,
                ),
            }
          : {}),
      });
      // Marked letters whose items still name them are read too, and cleaned up.
      const report = await replayer.run(
        take(
          limit,
          queryLetters({
            client,
            tableName: deadLetterTable,
            pipeline: definition.name,
            filter,
            withPayload: true,
            now,
            pageSize: 50,
          }),
        ),
      );
      return { definition, report };
    } finally {
      await lock?.release();
      kinesis?.destroy();
    }
  });
};

/** Window starts, short: one as is, several as a count and the first and last. */
const windowsText = (windows: readonly string[]): string => {
  const short = windows.map((w) => w.replace(':00.000Z', 'Z'));
  if (short.length <= 1) return short.join('');
  return `${short.length} windows, ${short[0]} … ${short[short.length - 1]}`;
};

const VERDICT_WORDS = {
  folds: ['would fold', 'folded'],
  filtered: ['would be filtered out', 'filtered out'],
  rejected: ['still rejected', 'still rejected'],
  late: ['late (not included)', 'late (not included)'],
  unrecoverable: ['unrecoverable', 'unrecoverable'],
  'already-replayed': ['already replayed', 'already replayed'],
} as const;

/**
 * Renders a replay report: counts per verdict, what was written, amended windows, and the first letters.
 *
 * @example
 * write(renderReplayReport(definition, report));
 */
export const renderReplayReport = (definition: PipelineDefinition, report: ReplayReport): string => {
  const tense = report.dryRun ? 0 : 1;
  const lines = [
    `${report.interrupted ? 'Interrupted (a rerun does the rest): ' : ''}${definition.name}: ${report.considered} dead letter(s) ${report.dryRun ? 'folded with the current definition (dry run: nothing written)' : 'replayed with the current definition'}${report.includeLate ? ', late records included' : ''}`,
    '',
    renderTable(
      ['outcome', 'letters'],
      LETTER_VERDICTS.filter((v) => report.verdicts[v] > 0 || v === 'folds').map((v) => [
        VERDICT_WORDS[v][tense],
        String(report.verdicts[v]),
      ]),
    ),
  ];
  if (!report.dryRun) {
    lines.push(
      '',
      `${report.marked} letter(s) marked replayed; ${report.itemsWritten} results item(s) written, ${report.itemsAlreadyHeld} already held their letters (an earlier, interrupted replay).`,
    );
  }
  const rejected = Object.entries(report.stillRejected);
  if (rejected.length > 0)
    lines.push(`Still rejected, by reason now: ${rejected.map(([r, n]) => `${r} ${n}`).join(', ')}.`);
  if (report.amendedWindows.length > 0) {
    lines.push(
      `Windows amended after they had closed (late records included): ${report.amendedWindows.join(', ')}.`,
    );
  }
  if (report.verdicts.late > 0 && !report.includeLate) {
    lines.push('Late records stay set aside; add --include-late to fold them into their (closed) windows.');
  }
  if (report.failed > 0) {
    lines.push(
      `${report.failed} letter(s) could not be written and stay unmarked; run replay again to resume:`,
      ...report.errors.slice(0, 5).map((e) => `  ${e}`),
    );
  }
  const shown = report.outcomes.filter((o) => o.verdict !== 'already-replayed').slice(0, 20);
  if (shown.length > 0) {
    lines.push(
      '',
      renderTable(
        ['letter', 'was', 'now', 'windows / detail'],
        shown.map((o) => [
          o.sk,
          o.reason,
          VERDICT_WORDS[o.verdict][tense],
          o.verdict === 'folds' ? windowsText(o.windows) : o.detail,
        ]),
      ),
    );
  }
  return lines.join('\n');
};

/**
 * Registers `streamfold replay` on the program.
 *
 * @example
 * registerReplay(program);
 */
export const registerReplay = (program: Command, io: ReplayIo = {}): void => {
  const { write, progress } = replayOutput(io);
  withAwsOptions(
    withLetterFilterOptions(
      program
        .command('replay')
        .description(
          "Fold a pipeline's dead letters again with its current definition (after fixing it), exactly once",
        )
        .argument(
          '<pipeline>',
          'a pipeline of your config (--config, else streamfold.config.ts here or above, else the built-in examples) or a module path[#name]',
        ),
    )
      .option(
        '-n, --limit <count>',
        'replay at most this many letters, newest first (default: every selected one)',
      )
      .option('--dry-run', 'fold and report what would fold, stay rejected or be late; write nothing')
      .option('--include-late', 'also fold late records into their windows, amending windows that had closed')
      .option(
        '--kinesis-endpoint <url>',
        'Kinesis to read payloads over 300 KB back from (locally: the one `streamfold dev` prints; on AWS: the default)',
        parseEndpointOption,
      )
      .option(
        '--break-lock',
        'take the replay lock even if another replay holds it (only if that one is dead)',
      )
      .option(
        '--json',
        'print the report as JSON: { pipeline, dryRun, interrupted, includeLate, considered, verdicts: { folds, filtered, rejected, late, unrecoverable, already-replayed }, marked, itemsWritten, itemsAlreadyHeld, amendedWindows, stillRejected: { <reason>: count }, failed, errors, outcomes: [{ sk, reason, verdict, detail, windows }] } (outcomes: the first 50 letters)',
      )
      .option('--table <name>', 'results table (default: streamfold-<pipeline>-results)')
      .option(
        '--dead-letter-table <name>',
        'dead-letter table (default: streamfold-<pipeline>-dead-letters)',
      ),
  )
    .addHelpText(
      'after',
      [
        '',
        'Each letter is folded alone with the current definition: only its line or KPL user record, only into the',
        'windows it missed. A record counts once however often replay runs or is interrupted: the results item',
        'records the letter in the write that adds it, then the letter is marked replayed (docs/adr/0003).',
        'Marked letters are skipped. One replay of a pipeline runs at a time (a lock in the dead-letter table).',
        '',
        'Examples:',
        '  streamfold replay sensor-stats --dry-run --endpoint http://127.0.0.1:<dynamodb port of streamfold dev>',
        '  streamfold replay ./orders.ts#orders --reason missing-field --from 2026-12-06T08:00Z',
        '  streamfold replay sensor-stats --kind late --include-late',
        '  streamfold replay ohlc --endpoint http://127.0.0.1:8000 --kinesis-endpoint http://127.0.0.1:4567',
      ].join('\n'),
    )
    .action(async (pipelineRef: string, options: ReplayCommandOptions) => {
      const { definition, report } = await interruptible(
        (signal) =>
          runReplay(pipelineRef, options, { ...io, signal, ...(progress !== undefined ? { progress } : {}) }),
        'replay',
      );
      const text = `${options.json === true ? JSON.stringify({ pipeline: definition.name, ...report }, null, 2) : renderReplayReport(definition, report)}\n`;
      if (report.interrupted) await exitInterrupted(text);
      write(text);
      if (report.failed > 0) {
        throw new ReplayError(
          `${report.failed} letter(s) could not be replayed (see above); they stay unmarked: run replay again to resume`,
        );
      }
    });
};
