import type { Command } from 'commander';
import { getLetter } from '../../shared/deadletters/getLetter.ts';
import { LetterSummary } from '../../shared/deadletters/LetterSummary.ts';
import { letterRange } from '../../shared/deadletters/letterDays.ts';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import type { StoredLetter } from '../../shared/deadletters/types.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { type AwsCliOptions, withAwsOptions } from '../awsOptions.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { renderTable } from '../render/table.ts';
import { type LetterFilterCliOptions, parseLetterFilter, withLetterFilterOptions } from './letterOptions.ts';
import { type CommandIo, withDynamoDb } from './queryCommon.ts';

/** Options of `streamfold dead-letters`. */
export interface DeadLettersCommandOptions extends AwsCliOptions, LetterFilterCliOptions {
  readonly limit?: string;
  readonly json?: boolean;
  readonly show?: string;
  readonly table?: string;
}

/** What `dead-letters` found: a summary and the newest letters, or one letter. */
export type DeadLettersResult =
  | {
      readonly mode: 'list';
      readonly from: string;
      readonly to: string;
      readonly summary: LetterSummary;
    }
  | { readonly mode: 'show'; readonly letter: StoredLetter };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A payload as text when it is UTF-8, else as a hex dump (16 bytes a line, offset, hex, printable ASCII).
 *
 * @example
 * renderPayload(new Uint8Array([0xff, 0x41])); // { encoding: 'hex', text: '00000000  ff 41  .A' }
 */
export const renderPayload = (payload: Uint8Array): { encoding: 'utf8' | 'hex'; text: string } => {
  try {
    return { encoding: 'utf8', text: utf8.decode(payload) };
  } catch {
    const lines: string[] = [];
    for (let at = 0; at < payload.length; at += 16) {
      const bytes = [...payload.subarray(at, at + 16)];
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
      const ascii = bytes.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
    }
    return { encoding: 'hex', text: lines.join('\n') };
  }
};

/**
 * Reads a pipeline's dead letters for `streamfold dead-letters`: validates the options, then reads by key.
 *
 * @throws {UsageError} for an unknown pipeline, a bad time, reason, kind, count or key.
 * @example
 * const result = await runDeadLetters('ohlc', { reason: 'invalid-json', endpoint });
 */
export const runDeadLetters = async (
  pipelineRef: string,
  options: DeadLettersCommandOptions,
  io: CommandIo = {},
): Promise<{ definition: PipelineDefinition; result: DeadLettersResult }> => {
  const definition = await loadPipeline(pipelineRef);
  const filter = parseLetterFilter(options);
  const limitText = options.limit ?? '20';
  if (!/^\d+$/.test(limitText)) {
    throw new UsageError(`-n must be a whole number of letters (given "${limitText}")`);
  }
  const tableName = options.table ?? pipelineResourceNames(definition).deadLetterTable;
  const now = io.now ?? Date.now;
  return withDynamoDb(options, tableName, async (client) => {
    if (options.show !== undefined) {
      const letter = await getLetter({ client, tableName, pipeline: definition.name, sk: options.show });
      return { definition, result: { mode: 'show', letter } };
    }
    const range = letterRange(filter, now());
    const summary = new LetterSummary(Number(limitText));
    for await (const letter of queryLetters({ client, tableName, pipeline: definition.name, filter, now }))
      summary.add(letter);
    return {
      definition,
      result: {
        mode: 'list',
        from: new Date(range.fromMs).toISOString(),
        to: new Date(range.toMs).toISOString(),
        summary,
      },
    };
  });
};

const where = (letter: StoredLetter): string =>
  [
    letter.subIndex !== undefined ? `user record ${letter.subIndex}` : '',
    letter.line !== undefined ? `line ${letter.line}` : '',
  ]
    .filter((s) => s !== '')
    .join(', ');

/**
 * Renders the summary and the newest letters as tables.
 *
 * @example
 * write(renderLetterList(definition, result));
 */
export const renderLetterList = (
  definition: PipelineDefinition,
  result: Extract<DeadLettersResult, { mode: 'list' }>,
): string => {
  const { summary } = result;
  const head = `${definition.name}: ${summary.total} dead letter(s) of records that arrived from ${result.from} to ${result.to}`;
  if (summary.total === 0) return `${head}.`;
  const rows = summary.summary();
  const table = renderTable(
    ['day', 'kind', 'reason', 'count', 'replayed', 'first seen', 'last seen', 'excerpt (newest)'],
    rows.map((r) => [
      r.day,
      r.kind,
      r.reason,
      String(r.count),
      String(r.replayed),
      r.firstSeen.slice(11, 19),
      r.lastSeen.slice(11, 19),
      r.excerpt.length > 60 ? `${r.excerpt.slice(0, 59)}…` : r.excerpt,
    ]),
  );
  const newest = summary.newest();
  if (newest.length === 0) return [`${head}:`, '', table].join('\n'); // -n 0: the summary only
  const list = renderTable(
    ['arrived', 'shard', 'sequence', 'where', 'reason', 'message', 'replayed'],
    newest.map((l) => [
      l.arrivedAt,
      l.shardId,
      l.sequenceNumber,
      where(l),
      l.reason,
      l.message.length > 80 ? `${l.message.slice(0, 79)}…` : l.message,
      l.replayedAt ?? '',
    ]),
  );
  const keys = newest.map((l) => `  ${l.sk}`).join('\n');
  return [
    `${head}:`,
    '',
    table,
    '',
    `Newest ${newest.length}:`,
    '',
    list,
    '',
    'Keys (for --show <key>):',
    keys,
  ].join('\n');
};

/**
 * Renders one letter: where it came from, why it was set aside, and its payload (text or hex).
 *
 * @example
 * write(renderLetter(letter));
 */
export const renderLetter = (letter: StoredLetter): string => {
  const lines = [
    `key        ${letter.sk}`,
    `kind       ${letter.kind}`,
    `reason     ${letter.reason}`,
    `message    ${letter.message}`,
    `shard      ${letter.shardId}`,
    `sequence   ${letter.sequenceNumber}${where(letter) !== '' ? ` (${where(letter)})` : ''}`,
    `partition  ${letter.partitionKey}`,
    `arrived    ${letter.arrivedAt}`,
    `recorded   ${letter.recordedAt}`,
  ];
  if (letter.windows !== undefined) lines.push(`windows    ${letter.windows.join(', ')}`);
  if (letter.replayedAt !== undefined)
    lines.push(`replayed   ${letter.replayedAt} (${letter.replayOutcome ?? 'folded'})`);
  if (letter.payload === undefined) {
    lines.push(
      '',
      `payload    ${letter.payloadBytes ?? '?'} bytes, over the 300 KB kept in a letter: read it from the stream at shard ${letter.shardId}, sequence ${letter.sequenceNumber} (replay does, given --kinesis-endpoint or on AWS)`,
    );
    return lines.join('\n');
  }
  const payload = renderPayload(letter.payload);
  lines.push(
    '',
    `payload    ${letter.payload.length} bytes, ${payload.encoding === 'utf8' ? 'UTF-8 text' : 'not UTF-8: hex'}:`,
    payload.text,
  );
  return lines.join('\n');
};

/** A letter as `--json` prints it (payload as base64, and as text when UTF-8). */
export const letterJson = (letter: StoredLetter): Record<string, unknown> => {
  const { payload, ...rest } = letter;
  if (payload === undefined) return rest;
  const shown = renderPayload(payload);
  return {
    ...rest,
    payloadBase64: Buffer.from(payload).toString('base64'),
    ...(shown.encoding === 'utf8' ? { payloadText: shown.text } : {}),
  };
};

/**
 * Registers `streamfold dead-letters` on the program.
 *
 * @example
 * registerDeadLetters(program);
 */
export const registerDeadLetters = (program: Command, io: CommandIo = {}): void => {
  const write = io.write ?? ((text: string) => void process.stdout.write(text));
  withAwsOptions(
    withLetterFilterOptions(
      program
        .command('dead-letters')
        .description(
          "List a pipeline's rejected and late records: a summary by reason and day, the newest letters, or one letter's payload",
        )
        .argument(
          '<pipeline>',
          'a pipeline of your config (--config, else streamfold.config.ts here or above, else the built-in examples) or a module path[#name]',
        ),
    )
      .option('-n, --limit <count>', 'how many of the newest letters to list (default: 20)')
      .option(
        '--show <key>',
        "print one letter and its payload (text when UTF-8, else hex); the key is the letter's sort key, as listed",
      )
      .option(
        '--json',
        'print { pipeline, from, to, total, summary: [{ day, kind, reason, count, replayed, firstSeen, lastSeen, excerpt }], newest: [letters] }; with --show, the letter (payloadBase64, payloadText when UTF-8)',
      )
      .option('--table <name>', 'dead-letter table (default: streamfold-<pipeline>-dead-letters)'),
  )
    .addHelpText(
      'after',
      [
        '',
        'Reads by key: one Query per arrival day (the table is partitioned by pipeline and day), newest first,',
        'paginated; payloads are not read for the list. Letters are kept 14 days (the table TTL).',
        '',
        'Examples:',
        '  streamfold dead-letters requests-by-ip --endpoint http://127.0.0.1:<dynamodb port of streamfold dev>',
        '  streamfold dead-letters ohlc --reason invalid-json --from 2026-12-06T08:00Z -n 5',
        "  streamfold dead-letters ohlc --show '2026-12-06T08:01:02.345Z#shardId-000000000000#4960…#'",
        '  streamfold dead-letters sensor-stats --kind late --json',
      ].join('\n'),
    )
    .action(async (pipelineRef: string, options: DeadLettersCommandOptions) => {
      const { definition, result } = await runDeadLetters(pipelineRef, options, io);
      if (result.mode === 'show') {
        write(
          `${options.json === true ? JSON.stringify(letterJson(result.letter), null, 2) : renderLetter(result.letter)}\n`,
        );
        return;
      }
      if (options.json === true) {
        const document = {
          pipeline: definition.name,
          from: result.from,
          to: result.to,
          total: result.summary.total,
          summary: result.summary.summary(),
          newest: result.summary.newest().map(letterJson),
        };
        write(`${JSON.stringify(document, null, 2)}\n`);
        return;
      }
      write(`${renderLetterList(definition, result)}\n`);
    });
};
