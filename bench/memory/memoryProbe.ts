import { GCProfiler } from 'node:v8';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';
import { kinesisBatch, requestsJson } from '../data/index.ts';
import { parseJsonBaseline } from '../fold/baselines.ts';
import { metricSets } from '../fold/metricSets.ts';

/**
 * Child-process entry (run with `node --expose-gc --import tsx`): loads a worst-case batch (every record a
 * different group), then folds it with the metric set named by argv[2] (`parse-only`, `exact` or `all`) and
 * prints one JSON line of heap and RSS figures. A fresh process per case, so that peak RSS belongs to it.
 */
const mode = process.argv[2] ?? 'exact';
const records = Number(process.argv[3] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memoryProbe needs --expose-gc');

/** Full GCs with a turn of the event loop after each, so that weak callbacks run and their memory goes too. */
const settle = async (collect: () => void): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
};

const sets = metricSets();
const definition = mode === 'all' ? sets[sets.length - 1]?.definition : sets[0]?.definition;
if (definition === undefined) throw new Error('no metric set');
const folder = new BatchFolder(definition);
// Warm the code paths on a small batch so that compiled code is not counted as batch memory.
folder.fold(
  kinesisBatch(requestsJson({ count: 200, seed: 9, distinctGroups: true })).Records.map(toSourceRecord),
);

const event = kinesisBatch(requestsJson({ count: records, seed: 1, distinctGroups: true }));
await settle(gc);
const before = process.memoryUsage();
const profiler = new GCProfiler();
profiler.start();
let groups = 0;
let result: unknown;
if (mode === 'parse-only') {
  result = parseJsonBaseline(event);
} else {
  const batch = folder.fold(event.Records.map(toSourceRecord));
  groups = batch.aggregates.size;
  result = batch;
}
const end = process.memoryUsage();
const profile = profiler.stop();
let peakHeap = end.heapUsed;
for (const entry of profile?.statistics ?? []) {
  peakHeap = Math.max(peakHeap, entry.beforeGC.heapStatistics.usedHeapSize);
}
await settle(gc);
const retained = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    mode,
    records,
    groups,
    heapBeforeBytes: before.heapUsed,
    peakHeapBytes: peakHeap,
    retainedHeapBytes: retained.heapUsed,
    rssBeforeBytes: before.rss,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    gcDuringFold: profile?.statistics.length ?? 0,
    kept: result === undefined ? 0 : 1,
  })}\n`,
);
