import { stat } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { catalogGenerators } from '../../shared/config/catalogGenerators.ts';
import { STREAM_NAME_PATTERN } from '../../shared/definition/constants.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import {
  ProducerClosedError,
  RecordsNotPutError,
  RecordTooLargeError,
  StreamUnavailableError,
} from '../../shared/producer/errors.ts';
import { GENERATORS } from '../../shared/producer/generators/generatorFor.ts';
import type { GeneratedRecord, RecordGenerator } from '../../shared/producer/generators/types.ts';
import { groupPartitionKey } from '../../shared/producer/groupPartitionKey.ts';
import { Producer } from '../../shared/producer/Producer.ts';
import { fileLines } from '../../shared/producer/sources/fileLines.ts';
import { type LineListener, listen } from '../../shared/producer/sources/listen.ts';
import { untilAborted } from '../../shared/producer/sources/untilAborted.ts';
import type {
  FailureSummary,
  PartitionKeySource,
  ProducerRecord,
  ProducerStats,
} from '../../shared/producer/types.ts';
import { openKinesis } from '../awsClients.ts';
import { type AwsCliOptions, withAwsOptions } from '../awsOptions.ts';
import { type EndpointError, EXIT, UsageError } from '../errors.ts';
import { loadPipeline, loadPipelineCatalog, unknownPipeline } from '../loadPipeline.ts';
import {
  pipelinesReading,
  type RetimeSummary,
  renderRetimeSummary,
  retimeInput,
  retimePipeline,
} from '../retimeInput.ts';

/** Options of `streamfold produce`, as commander parses them. */
export interface ProduceCommandOptions extends AwsCliOptions {
  /** A file to read, one record per line; `-` for standard input. */
  readonly input?: string;
  /** `host:port` to listen on for TCP clients sending lines. */
  readonly listen?: string;
  /** An example pipeline whose demo traffic to generate. */
  readonly generate?: string;
  /**
   * Records per second; 0 for no limit.
   * @default 1000 with --generate, else 0
   */
  readonly rate?: number;
  /**
   * Stop after this many records.
   * @default undefined - until the source ends (a generator: until interrupted)
   */
  readonly count?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default 0.01 */
  readonly malformed?: number;
  /**
   * A JSON field whose value is the partition key, or `random`.
   * @default undefined - the record's group when one pipeline reads the stream (or `--pipeline` names
   * it), else random; with --generate: the record's group
   */
  readonly partitionKey?: string;
  /** @default false */
  readonly kpl?: boolean;
  /** @default false */
  readonly json?: boolean;
  /**
   * With `input`: shift event times so that the latest record is now, keeping the gaps.
   * @default false
   */
  readonly retime?: boolean;
  /**
   * With `retime`: the pipeline (example name or module path) whose decoder and event-time field to use.
   * @default - the pipeline of the config that reads the stream
   */
  readonly pipeline?: string;
}

/** What `streamfold produce` did; `--json` prints it. */
export interface ProduceSummary {
  readonly stream: string;
  /** `file:<path>`, `stdin`, `listen:<host>:<port>` or `generate:<pipeline>`. */
  readonly source: string;
  /** Records Kinesis acknowledged. */
  readonly sent: number;
  /** Records not put: failed after retries, or refused up front (too large). */
  readonly failed: number;
  /** Retries of records (a record sent 3 times counts 2). */
  readonly retried: number;
  /** Bytes put: data plus partition key of each Kinesis record. */
  readonly bytes: number;
  /** PutRecords calls. */
  readonly batches: number;
  /** Kinesis records put (a KPL aggregate counts 1). */
  readonly kinesisRecords: number;
  readonly durationMs: number;
  /** `sent` per second of `durationMs`. */
  readonly recordsPerSecond: number;
  /** Stopped by Ctrl-C (or SIGTERM) rather than by the end of the source. */
  readonly interrupted: boolean;
  /** Why records failed, by error code, most frequent first. */
  readonly failures: readonly FailureSummary[];
  /** With `--generate`: what was generated, so expectations can be computed. */
  readonly generated?: {
    readonly pipeline: string;
    readonly seed: number;
    /** Generated records accepted by the producer (so: sent or failed). */
    readonly records: number;
    /** Of those, records made malformed on purpose: the pipeline rejects exactly these. */
    readonly malformed: number;
  };
  /** With `--retime`: the shift applied, and the records sent unchanged with why. */
  readonly retimed?: RetimeSummary;
}

/** Where `runProduce` writes, and what stops it. */
export interface ProduceIo {
  /** Progress goes here: a live line when it is a TTY, a plain line every 10 s otherwise. */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /**
   * Aborting stops reading the source; what is buffered is still put, then the summary is returned.
   * @default undefined - runs until the source ends or `--count` is reached
   */
  readonly signal?: AbortSignal;
  /**
   * Called once a `--listen` listener is listening (with the port chosen, for port 0).
   * @default undefined
   */
  readonly onListening?: (host: string, port: number) => void;
}

const DEFAULT_GENERATE_RATE = 1000;
const TTY_PROGRESS_MS = 250;
const PLAIN_PROGRESS_MS = 10_000;
/** Ticks the live rate is measured over (8 × 250 ms). */
const RATE_SAMPLES = 8;
const TOO_LARGE = 'RecordTooLarge';

const number = (n: number): string => Math.round(n).toLocaleString('en-US');

const bytesText = (n: number): string => {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
};

const parseRate = (value: string): number => {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate < 0) {
    throw new InvalidArgumentError('must be a number of records per second, 0 for no limit');
  }
  return rate;
};

const parseCount = (value: string): number => {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count) || count < 1) {
    throw new InvalidArgumentError('must be a positive whole number');
  }
  return count;
};

const parseSeed = (value: string): number => {
  const seed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError('must be a whole number');
  }
  return seed;
};

const parseShare = (value: string): number => {
  const share = Number(value);
  if (value.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new InvalidArgumentError('must be a share between 0 and 1, e.g. 0.01');
  }
  return share;
};

/**
 * Parses `--listen`: `host:port`, `[ipv6]:port`, or a port alone (then on 127.0.0.1).
 *
 * @throws {UsageError} on anything else.
 * @example
 * parseListenAddress('0.0.0.0:9000'); // { host: '0.0.0.0', port: 9000 }
 */
export const parseListenAddress = (value: string): { host: string; port: number } => {
  const match = /^(?:\[([^\]]+)\]:|([^:[\]]*):)?(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (match === null || port > 65_535) {
    throw new UsageError(
      `--listen must be host:port, [ipv6]:port or a port, e.g. 127.0.0.1:9000 (given "${value}")`,
    );
  }
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port };
};

/** One record read from the source; `malformed` is set by generators. */
interface SourceItem {
  readonly record: ProducerRecord;
  readonly malformed?: boolean;
}

interface SourcePlan {
  /** For the summary; a listener's label has the port it got. */
  readonly label: () => string;
  /** With `--retime`, once the source is read: what was retimed. */
  readonly retimed?: () => RetimeSummary | undefined;
  readonly open: (
    onOversized: (bytes: number) => void,
  ) => Promise<AsyncIterable<SourceItem> | Iterable<SourceItem>>;
  readonly close: () => Promise<void>;
}

/** Checks the options and resolves the stream and the source (usage errors before anything starts). */
const plan = async (
  streamArg: string,
  options: ProduceCommandOptions,
  io: ProduceIo,
): Promise<{ stream: string; source: SourcePlan; rate: number }> => {
  const sources = [options.input, options.listen, options.generate].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new UsageError(
      `Give exactly one source: --input <file|->, --listen <host:port> or --generate <pipeline> (given ${sources.length})`,
    );
  }
  if (options.generate === undefined && (options.seed !== undefined || options.malformed !== undefined)) {
    throw new UsageError('--seed and --malformed apply only with --generate');
  }
  if (options.retime === true && options.input === undefined) {
    throw new UsageError(
      '--retime applies only with --input (generated and listened records are already current)',
    );
  }
  if (options.pipeline !== undefined && options.retime !== true) {
    throw new UsageError('--pipeline applies only with --retime');
  }
  let stream = streamArg;
  let generator: RecordGenerator | undefined;
  if (options.generate !== undefined) {
    const pipeline = options.generate;
    const catalog = await loadPipelineCatalog();
    const definition = catalog.pipelines.find((p) => p.name === pipeline);
    if (definition === undefined) throw unknownPipeline(pipeline, catalog, 'pipeline (--generate)');
    const generators = catalogGenerators(catalog);
    generator = generators.get(pipeline);
    if (generator === undefined) {
      throw new UsageError(
        `--generate: pipeline "${pipeline}" has no traffic generator and no sample; give it one in your config's samples (pipelines that can generate: ${[...generators.keys()].join(', ') || 'none'})`,
      );
    }
    if (streamArg === '-') stream = pipelineResourceNames(definition).stream;
  } else if (streamArg === '-') {
    throw new UsageError('<stream> "-" (the pipeline\'s own stream) needs --generate <pipeline>');
  }
  if (!stream.startsWith('arn:') && !STREAM_NAME_PATTERN.test(stream)) {
    throw new UsageError(
      `Invalid stream name "${stream}": 1 to 128 letters, digits, "_", "." or "-" (or a stream ARN)`,
    );
  }
  const rate = options.rate ?? (options.generate === undefined ? 0 : DEFAULT_GENERATE_RATE);
  const keyed = options.partitionKey === undefined;

  if (options.input !== undefined) {
    const path = options.input;
    if (path !== '-') {
      const info = await stat(path).catch(() => undefined);
      if (info === undefined) throw new UsageError(`Input file not found: ${path}`);
      if (!info.isFile()) throw new UsageError(`Input is not a file: ${path}`);
    }
    const label = path === '-' ? 'stdin' : `file:${path}`;
    if (options.retime !== true) {
      return {
        stream,
        rate,
        source: {
          label: () => label,
          open: async (onOversized) => mapLines(fileLines(path, { onOversized })),
          close: async () => undefined,
        },
      };
    }
    const definition = await retimePipeline(stream, options.pipeline);
    let summary: (() => RetimeSummary) | undefined;
    return {
      stream,
      rate,
      source: {
        label: () => label,
        retimed: () => summary?.(),
        open: async (onOversized) => {
          // Standard input can be read once: keep it. A file is read twice (latest time, then the records).
          const buffered: Buffer[] | undefined = path === '-' ? [] : undefined;
          if (buffered !== undefined)
            for await (const line of fileLines('-', { onOversized })) buffered.push(line);
          let reads = 0;
          const lines = (): AsyncIterable<Buffer> | Iterable<Buffer> =>
            buffered ?? fileLines(path, reads++ === 0 ? {} : { onOversized });
          const retimed = await retimeInput(definition, lines, path === '-' ? 'standard input' : path);
          summary = retimed.summary;
          return mapLines(retimed.lines);
        },
        close: async () => undefined,
      },
    };
  }
  if (options.listen !== undefined) {
    const { host, port } = parseListenAddress(options.listen);
    let listener: LineListener | undefined;
    return {
      stream,
      rate,
      source: {
        label: () => `listen:${host}:${listener?.port ?? port}`,
        open: async (onOversized) => {
          try {
            listener = await listen(host, port, { onOversized });
          } catch (error) {
            throw new UsageError(`Cannot listen on ${host}:${port}: ${(error as Error).message}`, {
              cause: error,
            });
          }
          io.stderr.write(
            `Listening on ${host}:${listener.port}: each line a client sends becomes a record (Ctrl-C to stop)\n`,
          );
          io.onListening?.(host, listener.port);
          return mapLines(listener);
        },
        close: async () => listener?.close(),
      },
    };
  }
  const pipeline = options.generate as string;
  const records = (generator as RecordGenerator)({
    seed: options.seed ?? 1,
    malformedShare: options.malformed ?? 0.01,
  });
  return {
    stream,
    rate,
    source: {
      label: () => `generate:${pipeline}`,
      open: async () => ({
        [Symbol.iterator]: () => ({
          next: (): IteratorResult<SourceItem> => {
            const { data, partitionKey, malformed }: GeneratedRecord = records.next().value;
            return { value: { record: keyed ? { data, partitionKey } : { data }, malformed }, done: false };
          },
        }),
      }),
      close: async () => undefined,
    },
  };
};

async function* mapLines(lines: AsyncIterable<Buffer>): AsyncGenerator<SourceItem, void, undefined> {
  for await (const line of lines) yield { record: { data: line } };
}

const progressLine = (stream: string, stats: ProducerStats, ratePerSecond: number): string =>
  `produce → ${stream}: ${number(stats.sent)} sent, ${number(ratePerSecond)} records/s, ` +
  `${number(stats.failed)} failed, ${number(stats.retried)} retried, ${number(stats.pending)} pending`;

/** Starts the progress display; returns its stop function (which clears a live line). */
const startProgress = (io: ProduceIo, stream: string, producer: Producer, startMs: number): (() => void) => {
  const tty = io.stderr.isTTY === true;
  /** Recent (time, sent) samples: the live rate is measured over the last ~2 s, not one jumpy tick. */
  const samples: [number, number][] = [[startMs, 0]];
  const timer = setInterval(
    () => {
      const now = Date.now();
      const { stats } = producer;
      if (tty) {
        samples.push([now, stats.sent]);
        if (samples.length > RATE_SAMPLES) samples.shift();
        const [thenMs, thenSent] = samples[0] as [number, number];
        const rate = ((stats.sent - thenSent) * 1000) / Math.max(1, now - thenMs);
        io.stderr.write(`\r\x1b[2K${progressLine(stream, stats, rate)}`);
      } else {
        io.stderr.write(`${progressLine(stream, stats, (stats.sent * 1000) / Math.max(1, now - startMs))}\n`);
      }
    },
    tty ? TTY_PROGRESS_MS : PLAIN_PROGRESS_MS,
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    if (tty) io.stderr.write('\r\x1b[2K');
  };
};

const mergeFailures = (failures: readonly FailureSummary[], tooLarge: FailureSummary | undefined) =>
  (tooLarge === undefined ? [...failures] : [...failures, tooLarge]).sort(
    (a, b) => b.count - a.count || a.errorCode.localeCompare(b.errorCode),
  );

/**
 * Where partition keys come from: `--partition-key random`, a JSON field, or by default the record's
 * group under the pipeline that reads the stream (one writing shard per busy item, ADR 0002), random
 * when no single pipeline reads it.
 */
const partitionKeySource = async (
  stream: string,
  options: ProduceCommandOptions,
): Promise<PartitionKeySource> => {
  if (options.partitionKey === 'random') return 'random';
  if (options.partitionKey !== undefined) return { field: options.partitionKey };
  const readers =
    options.pipeline !== undefined ? [await loadPipeline(options.pipeline)] : await pipelinesReading(stream);
  return readers.length === 1 ? groupPartitionKey(readers[0] as PipelineDefinition) : 'random';
};

/**
 * Runs `streamfold produce`: reads the source, puts every record into the stream with a {@link Producer},
 * shows progress on stderr, and returns the summary. Stops at the end of the source, after `--count`
 * records, or when `io.signal` aborts; what is buffered is always flushed first.
 *
 * @throws {UsageError} for bad options, {@link AwsSetupError} without a region or credentials (both
 * before anything is sent); the {@link EndpointError} when nothing could be put because of the endpoint
 * (another service, no answer, nothing listening).
 * @example
 * const summary = await runProduce('trades', { generate: 'ohlc', count: 1000, endpoint }, { stderr: process.stderr });
 */
export const runProduce = async (
  streamArg: string,
  options: ProduceCommandOptions,
  io: ProduceIo,
): Promise<ProduceSummary> => {
  const generated = { records: 0, malformed: 0 };
  const { stream, source, rate } = await plan(streamArg, options, io);
  let endpointError: EndpointError | undefined;
  const client = await openKinesis(options, {
    onEndpointError: (error) => {
      endpointError = error;
    },
  });
  const producer = new Producer({
    client,
    stream,
    partitionKey: await partitionKeySource(stream, options),
    kpl: options.kpl === true,
    ...(rate > 0 ? { ratePerSecond: rate } : {}),
  });
  const stop = new AbortController();
  const signal = io.signal === undefined ? stop.signal : AbortSignal.any([io.signal, stop.signal]);
  let tooLarge: { errorCode: string; count: number; message: string } | undefined;
  const refuse = (bytes: number, limit: number): void => {
    const message = new RecordTooLargeError(bytes, limit).message;
    if (tooLarge === undefined) tooLarge = { errorCode: TOO_LARGE, count: 1, message };
    else tooLarge.count += 1;
  };
  const startMs = Date.now();
  const stopProgress = startProgress(io, stream, producer, startMs);
  let fatal: StreamUnavailableError | undefined;
  try {
    const records = await source.open((bytes) => refuse(bytes, producer.maxRecordBytes));
    let read = 0;
    for await (const { record, malformed } of untilAborted(records, signal)) {
      read += 1;
      try {
        await producer.put(record, { signal });
        if (malformed !== undefined) {
          generated.records += 1;
          if (malformed) generated.malformed += 1;
        }
      } catch (error) {
        if (error instanceof RecordTooLargeError) refuse(error.sizeBytes, error.limitBytes);
        else if (error instanceof StreamUnavailableError) {
          fatal = error;
          break;
        } else if (signal.aborted || error instanceof ProducerClosedError) break;
        else throw error;
      }
      if (options.count !== undefined && read >= options.count) break;
    }
  } finally {
    stop.abort();
    await source.close();
    await producer.close();
    stopProgress();
    client.destroy();
  }
  const { stats } = producer;
  // Nothing could be put because of the endpoint itself: say so in one line, as every command does.
  if (stats.sent === 0 && endpointError !== undefined) throw endpointError;
  const durationMs = Date.now() - startMs;
  const failures = mergeFailures(producer.failures, tooLarge);
  const summary: ProduceSummary = {
    stream,
    source: source.label(),
    sent: stats.sent,
    failed: stats.failed + (tooLarge?.count ?? 0),
    retried: stats.retried,
    bytes: stats.bytes,
    batches: stats.batches,
    kinesisRecords: stats.kinesisRecords,
    durationMs,
    recordsPerSecond: Math.round((stats.sent * 1000) / Math.max(1, durationMs)),
    interrupted: io.signal?.aborted === true,
    failures,
    ...(options.generate === undefined
      ? {}
      : {
          generated: {
            pipeline: options.generate,
            seed: options.seed ?? 1,
            records: generated.records,
            malformed: generated.malformed,
          },
        }),
  };
  if (fatal !== undefined) io.stderr.write(`streamfold: ${fatal.message}\n`);
  const retimed = source.retimed?.();
  return retimed === undefined ? summary : { ...summary, retimed };
};

/**
 * The summary for a terminal: one line of counts, the generator's malformed share, and failures by code.
 *
 * @example
 * process.stdout.write(`${renderProduceSummary(summary)}\n`);
 */
export const renderProduceSummary = (summary: ProduceSummary): string => {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const lines = [
    `${summary.interrupted ? 'Interrupted: put' : 'Put'} ${number(summary.sent)} record(s) into ${summary.stream} ` +
      `in ${seconds} s (${number(summary.recordsPerSecond)} records/s): ${number(summary.failed)} failed, ` +
      `${number(summary.retried)} retried; ${number(summary.batches)} PutRecords call(s), ` +
      `${number(summary.kinesisRecords)} Kinesis record(s), ${bytesText(summary.bytes)}.`,
  ];
  if (summary.retimed !== undefined) lines.push(renderRetimeSummary(summary.retimed));
  const { generated } = summary;
  if (generated !== undefined) {
    lines.push(
      `Generated ${number(generated.records)} ${generated.pipeline} record(s) (seed ${generated.seed}), ` +
        `${number(generated.malformed)} malformed on purpose: the pipeline rejects those.`,
    );
  }
  if (summary.failures.length > 0) {
    lines.push(`Not put: ${number(summary.failed)} record(s):`);
    for (const failure of summary.failures) {
      lines.push(`  ${failure.errorCode} ×${number(failure.count)}: ${failure.message}`);
    }
  }
  return lines.join('\n');
};

/** Registers `streamfold produce` on the program. */
export const registerProduce = (program: Command): void => {
  const command = program
    .command('produce')
    .description(
      'Put records into a Kinesis stream: lines of a file or stdin, lines received over TCP, or demo traffic',
    )
    .argument(
      '<stream>',
      'stream name or ARN; with --generate, "-" means the pipeline\'s own stream (ohlc → trades, …)',
    )
    .option('-i, --input <file>', 'read a file, one record per line ("-" for standard input)')
    .option('--listen <host:port>', 'listen for TCP clients; each line received is a record (until Ctrl-C)')
    .option(
      '--generate <pipeline>',
      `generate demo traffic for a pipeline: a built-in example's generator (${[...GENERATORS.keys()].join(', ')}), or your pipeline's sample (config samples) retimed to now`,
    )
    .option(
      '--rate <n>',
      `records per second, 0 for no limit (default: ${DEFAULT_GENERATE_RATE} with --generate, else no limit)`,
      parseRate,
    )
    .option(
      '--count <n>',
      'stop after n records (default: the end of the source; a generator never ends)',
      parseCount,
    )
    .option('--seed <n>', 'with --generate: seed of the generator (default: 1)', parseSeed)
    .option('--malformed <share>', 'with --generate: share of malformed records (default: 0.01)', parseShare)
    .option(
      '--partition-key <field|random>',
      "partition key from this JSON field, or 'random' (default: the record's group under the pipeline reading the stream, e.g. the symbol for trades, so each group has one writing shard; random when no single pipeline reads it)",
    )
    .option('--kpl', 'pack records into KPL aggregated records (the handler unpacks them)')
    .option(
      '--retime',
      "with --input: shift every event time so that the latest record's is now, keeping the gaps (send sample files as if they happened now)",
    )
    .option(
      '--pipeline <name|module>',
      'the pipeline whose decoder, group and event-time field to read, for partition keys and --retime (default: the one reading <stream>, from your config)',
    )
    .option('--json', 'print the summary as JSON on stdout');
  withAwsOptions(command)
    .addHelpText(
      'after',
      [
        '',
        'Exactly one source: --input, --listen or --generate. Progress goes to stderr; the summary to stdout.',
        '--retime reads the input twice (standard input is kept in memory): first for the latest event time, as the',
        'pipeline reads it (its decoder, field and format: iso, epoch-seconds, epoch-millis, clf), then to send each',
        'record with its time shifted by the same whole number of seconds, written as it was written. Records it',
        'cannot retime (the decoder rejects them, no or no valid time) are sent unchanged, counted in the summary.',
        'Ctrl-C stops reading, puts what is buffered and prints the summary (Ctrl-C again quits at once).',
        '',
        'Examples:',
        '  streamfold produce access-logs --input samples/access.log --endpoint http://127.0.0.1:4568',
        '  streamfold produce trades --input samples/trades.ndjson --retime --endpoint http://127.0.0.1:4568',
        '  tail -F /var/log/nginx/access.log | streamfold produce access-logs --input -',
        '  streamfold produce access-logs --listen 0.0.0.0:9000        # then: nc <host> 9000 < access.log',
        '  streamfold produce - --generate ohlc --rate 200 --count 10000 --kpl',
        '  streamfold produce sensors --input readings.ndjson --partition-key device --json',
      ].join('\n'),
    )
    .action(async (streamArg: string, options: ProduceCommandOptions) => {
      const controller = new AbortController();
      const onSignal = (): void => {
        if (controller.signal.aborted) {
          process.stderr.write('Interrupted again: quitting without putting what is buffered\n');
          process.exit(EXIT.interrupted);
        }
        process.stderr.write('\nStopping: putting what is buffered (Ctrl-C again to quit now)…\n');
        controller.abort(new Error('interrupted'));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let summary: ProduceSummary;
      try {
        summary = await runProduce(streamArg, options, {
          stderr: process.stderr,
          signal: controller.signal,
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(summary, null, 2)}\n`
          : `${renderProduceSummary(summary)}\n`,
      );
      if (summary.failed > 0) {
        const why = summary.failures.map((f) => `${f.errorCode} ×${f.count}`).join(', ');
        throw new RecordsNotPutError(
          `${summary.failed} record(s) were not put into stream ${summary.stream} (${why})`,
        );
      }
    });
};
