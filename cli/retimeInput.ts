import type { PipelineDefinition } from '../shared/definition/types.ts';
import { RetimeConfigError } from '../shared/producer/retime/errors.ts';
import { RecordRetimer, retimeShift } from '../shared/producer/retime/RecordRetimer.ts';
import { RETIME_SKIP_TEXT, type RetimeSkipReason } from '../shared/producer/retime/types.ts';
import { formatDuration } from '../shared/time/duration.ts';
import { UsageError } from './errors.ts';
import { loadPipeline, loadPipelineCatalog } from './loadPipeline.ts';

/** What `produce --retime` did, for the summary (`--json` prints it as is). */
export interface RetimeSummary {
  readonly pipeline: string;
  /** The field and format read: `time (iso)`. */
  readonly eventTime: string;
  /** The latest event time of the input, before the shift (ISO 8601). */
  readonly latestEventTime: string;
  /** Added to every event time, ms (whole seconds). */
  readonly shiftMs: number;
  /** Records whose event time was shifted. */
  readonly records: number;
  /** Header lines sent as they are (not records). */
  readonly headers: number;
  /** Records sent unchanged, by reason, most frequent first; `firstRecord` is 1-based in the input. */
  readonly unchanged: readonly {
    readonly reason: RetimeSkipReason;
    readonly text: string;
    readonly count: number;
    readonly firstRecord: number;
  }[];
}

const streamNameOf = (stream: string): string =>
  stream.startsWith('arn:') ? stream.slice(stream.lastIndexOf('/') + 1) : stream;

/**
 * The pipelines of the config (see `loadPipelineCatalog`) that read `stream` (a name or an ARN).
 *
 * @example
 * await pipelinesReading('trades'); // [ohlc]
 */
export const pipelinesReading = async (stream: string): Promise<PipelineDefinition[]> => {
  const name = streamNameOf(stream);
  const { pipelines } = await loadPipelineCatalog();
  return pipelines.filter((p) => p.stream === name);
};

/**
 * The pipeline whose decoder and event-time field `--retime` uses: `--pipeline` (a built-in example or a
 * module path, as `fold` takes), else the one pipeline of the config that reads the stream.
 *
 * @throws {UsageError} when none or several read the stream, or the pipeline's event time is the arrival time.
 * @example
 * const definition = await retimePipeline('trades', undefined); // ohlc
 */
export const retimePipeline = async (
  stream: string,
  reference: string | undefined,
): Promise<PipelineDefinition> => {
  let definition: PipelineDefinition;
  if (reference !== undefined) {
    definition = await loadPipeline(reference);
  } else {
    const name = streamNameOf(stream);
    const readers = await pipelinesReading(stream);
    if (readers.length !== 1) {
      throw new UsageError(
        readers.length === 0
          ? `--retime: no pipeline of your config reads stream "${name}"; name one with --pipeline <name|module>`
          : `--retime: several pipelines read stream "${name}" (${readers.map((p) => p.name).join(', ')}); choose one with --pipeline`,
      );
    }
    definition = readers[0] as PipelineDefinition;
  }
  try {
    new RecordRetimer(definition);
  } catch (error) {
    if (error instanceof RetimeConfigError)
      throw new UsageError(`--retime: ${error.message}`, { cause: error });
    throw error;
  }
  return definition;
};

/**
 * Retimes an input for `produce --retime`: reads it once to find the latest event time (the pipeline's field,
 * format and decoder), then yields every line with its event time shifted so that the latest is now (whole
 * seconds, gaps kept). Lines it cannot retime are yielded unchanged and counted by reason. `lines` is called
 * twice (a file is read twice; give standard input already buffered).
 *
 * @throws {UsageError} when no line has an event time the pipeline reads.
 * @example
 * const retimed = await retimeInput(ohlc, () => fileLines('samples/trades.ndjson'), 'samples/trades.ndjson');
 * for await (const line of retimed.lines) await producer.put({ data: line });
 * console.log(retimed.summary());
 */
export const retimeInput = async (
  definition: PipelineDefinition,
  lines: () => AsyncIterable<Buffer> | Iterable<Buffer>,
  inputName: string,
  now: () => number = Date.now,
): Promise<{ readonly lines: AsyncIterable<Buffer>; readonly summary: () => RetimeSummary }> => {
  const retimer = new RecordRetimer(definition);
  let latest: number | undefined;
  for await (const line of lines()) {
    const ms = retimer.eventTimeOf(line);
    if (ms !== undefined && (latest === undefined || ms > latest)) latest = ms;
  }
  if (latest === undefined) {
    throw new UsageError(
      `--retime: no record of ${inputName} has an event time that pipeline "${definition.name}" reads (field ${retimer.eventTimeField}); nothing to retime`,
    );
  }
  const latestMs = latest;
  const shiftMs = retimeShift(latestMs, now());
  const counts = { records: 0, headers: 0 };
  const unchanged = new Map<RetimeSkipReason, { count: number; firstRecord: number }>();
  async function* retimed(): AsyncGenerator<Buffer, void, undefined> {
    let index = 0;
    for await (const line of lines()) {
      index += 1;
      const result = retimer.retime(line, shiftMs);
      if (result.outcome === 'retimed') counts.records += 1;
      else if (result.outcome === 'header') counts.headers += 1;
      else {
        const entry = unchanged.get(result.reason);
        if (entry === undefined) unchanged.set(result.reason, { count: 1, firstRecord: index });
        else entry.count += 1;
      }
      yield result.data;
    }
  }
  return {
    lines: retimed(),
    summary: () => ({
      pipeline: definition.name,
      eventTime: retimer.eventTimeField,
      latestEventTime: new Date(latestMs).toISOString(),
      shiftMs,
      records: counts.records,
      headers: counts.headers,
      unchanged: [...unchanged]
        .map(([reason, { count, firstRecord }]) => ({
          reason,
          text: RETIME_SKIP_TEXT[reason],
          count,
          firstRecord,
        }))
        .sort((a, b) => b.count - a.count || a.firstRecord - b.firstRecord),
    }),
  };
};

/**
 * The summary line of a retimed input.
 *
 * @example
 * renderRetimeSummary(summary); // 'Retimed 7 record(s) for ohlc (time (iso)) by +15d1h28m30s: …'
 */
export const renderRetimeSummary = (summary: RetimeSummary): string => {
  const shift = `${summary.shiftMs < 0 ? '-' : '+'}${formatDuration(Math.abs(summary.shiftMs))}`;
  const sentUnchanged = summary.unchanged.reduce((n, u) => n + u.count, 0);
  const why = summary.unchanged.map((u) => `${u.text} ×${u.count} (record ${u.firstRecord})`).join(', ');
  return (
    `Retimed ${summary.records} record(s) for ${summary.pipeline} (${summary.eventTime}) by ${shift}: ` +
    `the latest event time, ${summary.latestEventTime}, became now, gaps kept.` +
    (sentUnchanged > 0 ? ` Sent unchanged: ${sentUnchanged} (${why}).` : '') +
    (summary.headers > 0 ? ` Header line(s) sent as is: ${summary.headers}.` : '')
  );
};
