import { machineLine } from '../harness/machine.ts';
import { costTables } from './costTables.ts';
import { num, type TextTable, times } from './formatTable.ts';
import type { BenchResults } from './types.ts';

const ms = (value: number, p25: number, p75: number): string =>
  `${num(value, 1)} (${num(p25, 1)}–${num(p75, 1)})`;

/**
 * The tables `npm run bench` prints, one per figure present in the results.
 *
 * @example
 * for (const table of reportTables(results)) console.log(formatTable(table));
 */
export const reportTables = (r: BenchResults): TextTable[] => {
  const tables: TextTable[] = [];
  const s = r.settings;
  tables.push({
    title: `streamfold bench (${s.mode}) — ${r.startedAt}`,
    headers: ['machine', 'value'],
    rows: [
      ['machine', machineLine(r.machine)],
      [
        'timing',
        `median of ${s.rounds} interleaved rounds after ${s.warmup} warm-up runs; ms shown as median (p25–p75)`,
      ],
      ['duration', `${num(r.durationSec, 0)} s`],
    ],
  });
  if (r.fold !== undefined) {
    tables.push({
      title: `1a. Fold throughput, ${num(s.batchRecords)}-record batches of each example pipeline (one core)`,
      headers: [
        'pipeline (format)',
        'baseline',
        'baseline ms',
        'base rec/s',
        'base MB/s',
        'fold ms',
        'fold rec/s',
        'fold MB/s',
        'fold÷base',
        'items',
      ],
      rows: r.fold.examples.map((row) => [
        row.label,
        row.baselineLabel,
        ms(row.baseline.medianMs, row.baseline.p25Ms, row.baseline.p75Ms),
        num(row.baseline.recordsPerSec),
        num(row.baseline.mbPerSec, 1),
        ms(row.fold.medianMs, row.fold.p25Ms, row.fold.p75Ms),
        num(row.fold.recordsPerSec),
        num(row.fold.mbPerSec, 1),
        times(row.foldVsBaseline),
        num(row.aggregates),
      ]),
      notes: [
        'fold = base64 decode (toSourceRecord) + BatchFolder.fold: decode, validate, event time, group key, windows, metrics.',
        'fold÷base = fold throughput ÷ baseline throughput (1.00× would be as fast as the bare parse). sensor-stats folds each record into 5 hopping windows.',
      ],
    });
    tables.push({
      title: '1b. Fold throughput by metric set, JSON requests (~215 B), group by ip per minute',
      headers: ['metric set', 'fold ms', 'rec/s', 'MB/s', 'fold÷parse'],
      rows: [
        (() => {
          const b = r.fold.metricSets[0]?.baseline;
          return b === undefined
            ? []
            : [
                'baseline: base64 + JSON.parse',
                ms(b.medianMs, b.p25Ms, b.p75Ms),
                num(b.recordsPerSec),
                num(b.mbPerSec, 1),
                '1.00×',
              ];
        })(),
        ...r.fold.metricSets.map((row) => [
          row.label,
          ms(row.fold.medianMs, row.fold.p25Ms, row.fold.p75Ms),
          num(row.fold.recordsPerSec),
          num(row.fold.mbPerSec, 1),
          times(row.foldVsBaseline),
        ]),
      ],
      notes: ['Cumulative: each row adds one metric to the row above; the last row is all metrics.'],
    });
  }
  if (r.peers !== undefined) {
    const p = r.peers;
    tables.push({
      title: `2. Peers on the same ${num(p.records)}-record JSON batch: count, sum, min, max per ip per minute`,
      headers: ['implementation', 'ms', 'rec/s', 'peer÷ours (time)', 'what is timed'],
      rows: [
        [
          'streamfold fold (exact metrics)',
          ms(p.ours.medianMs, p.ours.p25Ms, p.ours.p75Ms),
          num(p.ours.recordsPerSec),
          '1.00×',
          'base64 + BatchFolder.fold',
        ],
        [
          'baseline: base64 + JSON.parse',
          ms(p.baseline.medianMs, p.baseline.p25Ms, p.baseline.p75Ms),
          num(p.baseline.recordsPerSec),
          times(p.baseline.medianMs / p.ours.medianMs),
          'parse only, no grouping',
        ],
        ...p.peers.map((peer) => [
          peer.name,
          ms(peer.rate.medianMs, peer.rate.p25Ms, peer.rate.p75Ms),
          num(peer.rate.recordsPerSec),
          times(peer.oursVsPeer),
          peer.timed,
        ]),
      ],
      notes: [
        `peer÷ours > 1: we are faster. Fastest end-to-end peer: ${p.fastestEndToEndPeer}; foldVsFastestPeer = ${times(p.foldVsFastestPeer)}.`,
        `Every peer's answer was checked: ${num(p.oursCheck.groups)} groups, ${num(p.oursCheck.records)} records, as ours.`,
      ],
    });
  }
  if (r.dynamo !== undefined) {
    tables.push({
      title: `3. DynamoDB cost of one ${num(s.writeCostRecords)}-record batch (write units per dynalite; index units modelled)`,
      headers: [
        'pipeline',
        'items',
        'PutItem',
        'BatchGet',
        'WU',
        'lower bd',
        'WU÷bound',
        '+index WU',
        'naive req',
        'naive WU',
        'naive÷ours',
        'item B p50',
        'max',
        'worst',
      ],
      rows: r.dynamo.rows.map((row) => [
        row.pipeline,
        num(row.items),
        num(row.putItemRequests),
        num(row.batchGetRequests),
        num(row.writeUnits),
        num(row.lowerBoundWriteUnits),
        times(row.writeUnitsVsLowerBound),
        num(row.indexWriteUnitsModel),
        num(row.naiveRequests),
        row.naiveMeasured === undefined
          ? num(row.naiveWriteUnits)
          : `${num(row.naiveMeasured.writeUnits)} (measured)`,
        times(row.savingVsNaive),
        num(row.itemBytesMedian),
        num(row.itemBytesMax),
        num(row.worstCaseItemBytes),
      ]),
      notes: [
        'lower bound = Σ over distinct items of ceil(item bytes / 1 KB). naive = one UpdateItem per record and window on a minimal (<1 KB) item.',
        'worst = largest item of an adversarial batch (one group and window, values that grow every metric state).',
      ],
    });
  }
  if (r.handler !== undefined) {
    tables.push({
      title: '4. Handler end to end (BatchProcessor.process) — EMULATOR figures: dynalite in a child process',
      headers: [
        'pipeline',
        'records/batch',
        'batches',
        'batches/s',
        'records/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'items/batch',
        'WU/batch',
      ],
      rows: r.handler.rows.map((row) => [
        row.pipeline,
        num(row.recordsPerBatch),
        num(row.batches),
        num(row.batchesPerSec, 2),
        num(row.recordsPerSec),
        num(row.p50Ms, 1),
        num(row.p99Ms, 1),
        num(row.maxMs, 1),
        num(row.itemsPerBatch, 1),
        num(row.writeUnitsPerBatch, 1),
      ]),
      notes: [
        'dynalite UpdateItem/PutItem runs at ~1–2 k ops/s: these latencies say little about DynamoDB, much about request counts.',
      ],
    });
  }
  if (r.lambda !== undefined) {
    tables.push({
      title: `5. Lambda package: the aggregate entry (streamfold.config.ts + createAggregateHandler) as cdk synth bundles it (deployed: AWS SDK bundled) and, for comparison, with @aws-sdk/* external; cold init (median of ${s.coldInitRuns} fresh processes)`,
      headers: [
        'variant',
        'bundle KB',
        'gzip KB',
        'map KB',
        'require ms',
        '1st invoke ms',
        'init ms',
        'from process start ms',
        'largest packages',
      ],
      rows: r.lambda.bundles.map((b) => [
        b.variant,
        num(b.bytes / 1024),
        num(b.gzipBytes / 1024),
        num(b.sourceMapBytes / 1024),
        num(b.coldInit.requireMs, 1),
        num(b.coldInit.firstInvokeMs, 1),
        num(b.coldInit.initMs, 1),
        num(b.coldInit.sinceProcessStartMs, 1),
        b.largestPackages
          .slice(0, 4)
          .map((p) => `${p.name} ${num(p.bytes / 1024)} KB`)
          .join(', '),
      ]),
      notes: [
        'init = require of the bundle + first invocation with an empty event (builds the DynamoDB client and processor; no network), with the deployed environment (NODE_OPTIONS=--enable-source-maps).',
      ],
    });
  }
  if (r.memory !== undefined) {
    tables.push({
      title: '6. Memory, worst case: every record its own group (fresh node --expose-gc child per row)',
      headers: [
        'case',
        'records',
        'groups',
        'heap before MiB',
        'peak heap MiB',
        'fold peak Δ MiB',
        'retained MiB',
        'RSS before MiB',
        'peak RSS MiB',
      ],
      rows: r.memory.map((m) => [
        m.mode,
        num(m.records),
        num(m.groups),
        num(m.heapBeforeMiB, 1),
        num(m.peakHeapMiB, 1),
        num(m.foldPeakHeapMiB, 1),
        num(m.retainedHeapMiB, 1),
        num(m.rssBeforeMiB, 1),
        num(m.peakRssMiB, 1),
      ]),
      notes: [
        'peak heap = max(used heap before each GC during the fold, used heap at its end); peak RSS = getrusage maxRSS of the process.',
      ],
    });
  }
  if (r.cost !== undefined) tables.push(...costTables(r.cost, r.cost.perBatchVsHandlerFigure));
  const ratio = r.ratios;
  tables.push({
    title: 'Headline ratios (directions in bench/README.md)',
    headers: ['ratio', 'value', 'reading'],
    rows: [
      [
        'foldVsParse',
        times(ratio.foldVsParse),
        'exact-metrics fold throughput ÷ base64 + JSON.parse throughput',
      ],
      [
        'foldAllMetricsVsParse',
        times(ratio.foldAllMetricsVsParse),
        'all-metrics fold throughput ÷ base64 + JSON.parse throughput',
      ],
      [
        'foldVsFastestPeer',
        times(ratio.foldVsFastestPeer),
        'fastest end-to-end peer time ÷ our time (> 1: we are faster)',
      ],
      [
        'writeUnitsVsLowerBound',
        times(ratio.writeUnitsVsLowerBound),
        'our table write units ÷ lower bound (1 is optimal)',
      ],
      [
        'naiveVsOurWriteUnits',
        times(ratio.naiveVsOurWriteUnits),
        'naive per-record writer units ÷ ours (> 1: we spend fewer)',
      ],
      [
        'costVsFlink',
        times(ratio.costVsFlink),
        'streamfold (default settings) ÷ Managed Flink, $ without Kinesis, worst example, 1,000 rec/s/shard, keyed (< 1: cheaper)',
      ],
      [
        'writeUnitsVsWindowLowerBound',
        times(ratio.writeUnitsVsWindowLowerBound),
        'our write units (table + indexes + finalizer) ÷ each final item written once, worst example, keyed (1 is optimal)',
      ],
      [
        'coalescedVsPerBatch',
        times(ratio.coalescedVsPerBatch),
        'requests-by-ip write units, coalesced ÷ every batch, 1,000 rec/s/shard, keyed (< 1: coalescing saves)',
      ],
    ],
  });
  return tables;
};
