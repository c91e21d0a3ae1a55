import type { PipelineDefinition } from '../../definition/types.ts';
import { BatchFolder } from '../../fold/BatchFolder.ts';
import { RecordRetimer } from '../retime/RecordRetimer.ts';
import type { GeneratedRecord, RecordGenerator } from './types.ts';

const WRITING_KEYS = 64;

/**
 * Demo traffic made from a pipeline's sample input: the sample's lines over and over, each record's event
 * time moved to the moment it is made (in whole seconds, as the pipeline reads and writes it), so every
 * window is current. Lines the pipeline cannot read a time from (a malformed line on purpose, say) are sent
 * as they are; header lines are sent once, on the first pass. A record is marked malformed when the
 * pipeline rejects it (folded once beforehand), so the demo's counts say which rejections to expect.
 *
 * @throws {RetimeConfigError} when the pipeline takes its event time from the arrival time (the lines are
 *   then sent unchanged: use a sample without retiming).
 * @example
 * const records = sampleGenerator(actions, readFileSync('samples/actions.ndjson', 'utf8').split('\n'))();
 * records.next().value; // { data: '{"user":"ada",…,"time":"<now>"}', partitionKey: 'sample-0', malformed: false }
 */
export const sampleGenerator =
  (definition: PipelineDefinition, lines: readonly string[]): RecordGenerator =>
  (options = {}) => {
    const now = options.now ?? Date.now;
    const usable = lines.filter((line) => line.trim() !== '');
    const retimer = definition.eventTime.source === 'arrival' ? undefined : new RecordRetimer(definition);
    // Which lines the pipeline rejects (a malformed line on purpose, a wrong type): folded once, as of their
    // own time, so that the demo's counts say which rejections to expect.
    const folded = new BatchFolder(definition).fold(
      usable.map((line, i) => ({
        data: Buffer.from(line, 'utf8'),
        sequenceNumber: String(i + 1),
        partitionKey: '',
        arrivalMs: (retimer?.eventTimeOf(Buffer.from(line, 'utf8')) ?? now()) + 1,
      })),
    );
    const rejected = new Set(folded.rejectionSources);
    return (function* records(): Generator<GeneratedRecord, never, undefined> {
      if (usable.length === 0) throw new RangeError(`The sample of pipeline "${definition.name}" is empty`);
      for (let pass = 0, index = 0; ; pass += 1) {
        for (const [i, line] of usable.entries()) {
          const partitionKey = `sample-${index++ % WRITING_KEYS}`;
          const malformed = rejected.has(i);
          if (retimer === undefined) {
            yield { data: line, partitionKey, malformed };
            continue;
          }
          const data = Buffer.from(line, 'utf8');
          const eventMs = retimer.eventTimeOf(data);
          if (eventMs === undefined) {
            const result = retimer.retime(data, 0);
            if (result.outcome === 'header') {
              if (pass === 0) yield { data: line, partitionKey, malformed: false };
              continue;
            }
            yield { data: line, partitionKey, malformed, ...(malformed ? { defect: 'sample' } : {}) };
            continue;
          }
          const shiftMs = Math.floor((now() - eventMs) / 1000) * 1000;
          yield { data: retimer.retime(data, shiftMs).data.toString('utf8'), partitionKey, malformed };
        }
      }
    })();
  };
