import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueUrlCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { RedriveError } from '../../shared/redrive/errors.ts';
import { FileFailureQueue } from '../../shared/redrive/FileFailureQueue.ts';
import { type RedriveReport, Redriver } from '../../shared/redrive/Redriver.ts';
import { SqsFailureQueue } from '../../shared/redrive/SqsFailureQueue.ts';
import type { FailureQueue } from '../../shared/redrive/types.ts';
import { openKinesis } from '../awsClients.ts';
import { type AwsCliOptions, awsClientConfig, parseEndpointOption, withAwsOptions } from '../awsOptions.ts';
import { checkAwsAccess } from '../checkAwsAccess.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { renderTable } from '../render/table.ts';
import { exitInterrupted, interruptible } from './interruptible.ts';
import { withDynamoDb } from './queryCommon.ts';
import { type ReplayIo, replayOutput } from './replay.ts';

/** Options of `streamfold redrive`. */
export interface RedriveCommandOptions extends AwsCliOptions {
  readonly queue?: string;
  readonly queueFile?: string;
  readonly kinesisEndpoint?: string;
  readonly json?: boolean;
  readonly table?: string;
  readonly deadLetterTable?: string;
}

/** The local runtime's on-failure file of a pipeline (see `LocalRuntimeOptions.onFailureDir`). */
export const localFailureFile = (definition: PipelineDefinition): string =>
  join('.streamfold', 'on-failure', `${definition.name}.jsonl`);

/** Whether SQS said the queue named does not exist (the JSON protocol's name, or the query protocol's code). */
const isMissingQueue = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'QueueDoesNotExist' || error.name === 'AWS.SimpleQueueService.NonExistentQueue');

const openQueue = async (
  definition: PipelineDefinition,
  options: RedriveCommandOptions,
): Promise<{ queue: FailureQueue; close: () => void }> => {
  if (options.queue !== undefined && options.queueFile !== undefined) {
    throw new UsageError('--queue and --queue-file name two queues: give one');
  }
  if (options.queue === undefined) {
    if (options.endpoint === undefined && options.queueFile === undefined) {
      throw new UsageError(
        'On AWS, name the on-failure queue with --queue <name or URL> (the stack output <pipeline>FailureQueueName); locally (--endpoint), the runtime’s file is read',
      );
    }
    // The runtime writes its file on the first failure, so a missing default file means none; a file
    // named explicitly that is not there is a mistyped path, not an empty queue.
    if (options.queueFile !== undefined && !existsSync(options.queueFile)) {
      throw new UsageError(
        `--queue-file ${options.queueFile} does not exist (the local runtime writes .streamfold/on-failure/<pipeline>.jsonl on the first failure)`,
      );
    }
    return {
      queue: new FileFailureQueue(options.queueFile ?? localFailureFile(definition)),
      close: () => undefined,
    };
  }
  const { endpoint: _endpoint, ...aws } = options;
  const client = new SQSClient({ ...awsClientConfig(aws), maxAttempts: 3 } as SQSClientConfig);
  let queueUrl = options.queue;
  try {
    // Region and credentials first, as every networked command checks them: one line, no request.
    const { region } = await checkAwsAccess(client, aws);
    if (!/^https?:\/\//.test(queueUrl)) {
      try {
        queueUrl = (await client.send(new GetQueueUrlCommand({ QueueName: options.queue }))).QueueUrl ?? '';
      } catch (error) {
        if (!isMissingQueue(error)) throw error;
        throw new RedriveError(
          `On-failure queue "${options.queue}" does not exist in ${region}: give the stack output <pipeline>FailureQueueName or the queue's URL (and the stack's --region/--profile)`,
          { cause: error },
        );
      }
    }
  } catch (error) {
    client.destroy();
    throw error;
  }
  return { queue: new SqsFailureQueue({ client, queueUrl }), close: () => client.destroy() };
};

/**
 * Redrives a pipeline's on-failure queue for `streamfold redrive`.
 *
 * @throws {UsageError} for an unknown pipeline, conflicting queue options or a `--queue-file` that does not exist.
 * @example
 * const { report } = await runRedrive('ohlc', { endpoint, kinesisEndpoint });
 */
export const runRedrive = async (
  pipelineRef: string,
  options: RedriveCommandOptions,
  io: ReplayIo = {},
): Promise<{ definition: PipelineDefinition; report: RedriveReport }> => {
  const definition = await loadPipeline(pipelineRef);
  if (options.endpoint !== undefined && options.kinesisEndpoint === undefined) {
    throw new UsageError(
      'With a local DynamoDB (--endpoint), give the local Kinesis too: --kinesis-endpoint <url> (`streamfold dev` prints both)',
    );
  }
  const names = pipelineResourceNames(definition);
  const resultsTable = options.table ?? names.resultsTable;
  const deadLetterTable = options.deadLetterTable ?? names.deadLetterTable;
  // The queue first: naming it is a usage error, found before any AWS set-up.
  const { queue, close } = await openQueue(definition, options);
  return withDynamoDb(options, [resultsTable, deadLetterTable], async (dynamodb) => {
    const { endpoint: _endpoint, ...aws } = options;
    const kinesis = await openKinesis({
      ...aws,
      ...(options.kinesisEndpoint !== undefined ? { endpoint: options.kinesisEndpoint } : {}),
    });
    try {
      const redriver = new Redriver({
        definition,
        dynamodb,
        kinesis,
        resultsTable,
        deadLetterTable,
        queue,
        ...(io.now !== undefined ? { now: io.now } : {}),
        ...(io.signal !== undefined ? { signal: io.signal } : {}),
        ...(io.progress !== undefined
          ? {
              onProgress: (r: RedriveReport) =>
                io.progress?.(
                  `redrive: ${r.messages} message(s), ${r.applied} applied, ${r.notRetained} not retained`,
                ),
            }
          : {}),
      });
      return { definition, report: await redriver.run() };
    } finally {
      kinesis.destroy();
    }
  }).finally(close);
};

/**
 * Renders a redrive report: one row per message, then what was kept and why.
 *
 * @example
 * write(renderRedriveReport(definition, report));
 */
export const renderRedriveReport = (definition: PipelineDefinition, report: RedriveReport): string => {
  const head = `${report.interrupted ? 'Interrupted (the rest stays queued): ' : ''}${definition.name}: ${report.messages} message(s) in ${report.queue}: ${report.applied} range(s) applied and deleted, ${report.notRetained} no longer retained, ${report.failed} failed`;
  if (report.messages === 0)
    return `${definition.name}: ${report.queue} holds no message: nothing to redrive.`;
  const lines = [
    head,
    '',
    renderTable(
      [
        'shard',
        'first sequence',
        'last sequence',
        'records',
        'folded',
        'rejected',
        'late',
        'items written',
        'already applied',
        'overtaken',
        'left to replay',
        'status',
      ],
      report.ranges.map((r) => [
        r.shardId,
        r.startSequenceNumber,
        r.endSequenceNumber,
        String(r.records),
        String(r.folded),
        String(r.rejected),
        String(r.late),
        String(r.itemsWritten),
        String(r.itemsAlreadyApplied),
        String(r.overtakenItems),
        String(r.leftToReplay),
        r.status,
      ]),
    ),
  ];
  for (const r of report.ranges.filter((x) => x.status !== 'applied')) {
    // A message that is not an on-failure record names no range ('?'): its detail says which message.
    const range = r.shardId === '?' ? '' : `${r.shardId} ${r.startSequenceNumber}…${r.endSequenceNumber}: `;
    lines.push(`${range}${r.detail} (message kept)`);
  }
  if (report.overtakenItems > 0) {
    lines.push(
      `${report.overtakenItems} item(s) had already been written with later records of their shard ("overtaken"): their marks cannot tell whether they hold the range, so redrive left them as they are; see docs/operations.md, "Overtaken ranges".`,
    );
  }
  if (report.leftToReplay > 0) {
    lines.push(
      `${report.leftToReplay} record(s) of the ranges have dead letters: redrive left them to \`streamfold replay ${definition.name}\` (a replayed one is counted already), so that none is counted twice.`,
    );
  }
  return lines.join('\n');
};

/**
 * Registers `streamfold redrive` on the program.
 *
 * @example
 * registerRedrive(program);
 */
export const registerRedrive = (program: Command, io: ReplayIo = {}): void => {
  const { write, progress } = replayOutput(io);
  withAwsOptions(
    program
      .command('redrive')
      .description(
        'Re-deliver the batches the event source mapping gave up on (the on-failure queue) from the stream, exactly once',
      )
      .argument(
        '<pipeline>',
        'a pipeline of your config (--config, else streamfold.config.ts here or above, else the built-in examples) or a module path[#name]',
      )
      .option(
        '--queue <name-or-url>',
        'the on-failure SQS queue (on AWS: the stack output <pipeline>FailureQueueName)',
      )
      .option(
        '--queue-file <path>',
        'the local runtime’s on-failure file (default with --endpoint: .streamfold/on-failure/<pipeline>.jsonl)',
      )
      .option(
        '--kinesis-endpoint <url>',
        'the local Kinesis (`streamfold dev` prints it); on AWS: the default',
        parseEndpointOption,
      )
      .option(
        '--json',
        'print the report as JSON: { pipeline, queue, interrupted, messages, applied, notRetained, failed, overtakenItems, leftToReplay, ranges: [{ shardId, startSequenceNumber, endSequenceNumber, status, records, folded, rejected, late, itemsWritten, itemsAlreadyApplied, overtakenItems, leftToReplay, detail }] }',
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
        'Each message names a shard and a sequence range. The range is read back from the stream and delivered to',
        'the pipeline’s handler code as the event source mapping would; records already applied are no-ops (the',
        'items’ high-water marks). A message is deleted only after its whole range is applied; a range the stream',
        'no longer retains, or a message that is not an on-failure record, is reported and its message kept (exit',
        'status 1). Records that have rejection dead letters are left to `streamfold replay`, so none counts twice.',
        '',
        'Examples:',
        '  streamfold redrive ohlc --endpoint http://127.0.0.1:<dynamodb port> --kinesis-endpoint http://127.0.0.1:<kinesis port>',
        '  streamfold redrive ohlc --queue StreamfoldStack-OhlcFailureQueue1A2B3C --region eu-west-1',
        '  streamfold redrive ./orders.ts#orders --queue https://sqs.eu-west-1.amazonaws.com/123456789012/orders-failures --json',
      ].join('\n'),
    )
    .action(async (pipelineRef: string, options: RedriveCommandOptions) => {
      const { definition, report } = await interruptible(
        (signal) =>
          runRedrive(pipelineRef, options, {
            ...io,
            signal,
            ...(progress !== undefined ? { progress } : {}),
          }),
        'redrive',
      );
      const text = `${options.json === true ? JSON.stringify({ pipeline: definition.name, ...report }, null, 2) : renderRedriveReport(definition, report)}\n`;
      if (report.interrupted) await exitInterrupted(text);
      write(text);
      if (report.notRetained > 0 || report.failed > 0) {
        throw new RedriveError(
          `${report.notRetained + report.failed} range(s) could not be redriven; their messages stay in ${report.queue}`,
        );
      }
    });
};
