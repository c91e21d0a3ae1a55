import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { kinesisBatch, payloadBytes, requestsJson } from '../data/index.ts';
import { parseJsonBaseline } from '../fold/baselines.ts';
import { foldBatch } from '../fold/foldBatch.ts';
import { exactPipeline } from '../fold/metricSets.ts';
import { type Rate, toRate } from '../fold/rates.ts';
import { type BenchCase, type MeasureOptions, measureCases } from '../harness/measure.ts';
import { round, type TimingSummary } from '../harness/stats.ts';
import { arqueroFull, arqueroQuery, arqueroTable, checkArquero } from './arqueroPeer.ts';
import { checkDuckDb, DuckDbPeer } from './DuckDbPeer.ts';
import { checkHandLoop, handLoop } from './handLoop.ts';
import type { PeerCheck } from './types.ts';

/** One row of figure 2. */
export interface PeerRow {
  readonly name: string;
  /** What the timing covers. */
  readonly timed: string;
  /** End to end from the Kinesis event (comparable with our fold) or over pre-ingested data. */
  readonly endToEnd: boolean;
  readonly rate: Rate;
  /** Peer time ÷ our time: > 1 means our fold is faster than this peer. */
  readonly oursVsPeer: number;
  /** Groups and record total of the peer's answer, checked against ours. */
  readonly check: PeerCheck;
}

/** Figure 2. */
export interface PeerComparison {
  readonly records: number;
  readonly ours: Rate;
  readonly oursCheck: PeerCheck;
  readonly baseline: Rate;
  readonly peers: readonly PeerRow[];
  readonly fastestEndToEndPeer: string;
  /** Fastest end-to-end peer's time ÷ our time: > 1 means we are faster. */
  readonly foldVsFastestPeer: number;
}

/**
 * Figure 2: our fold with exact metrics (count, sum, min, max per ip and minute) against a hand-written
 * loop, arquero and DuckDB on the same JSON batch, measured interleaved in one process. Each peer's
 * answer is checked (same number of groups, same record total) before timing.
 *
 * @example
 * const figure = await comparePeers(10_000, { warmup: 5, rounds: 20 });
 */
export const comparePeers = async (records: number, options: MeasureOptions): Promise<PeerComparison> => {
  const event = kinesisBatch(requestsJson({ count: records, seed: 1 }));
  const bytes = payloadBytes(event);
  const folder = new BatchFolder(exactPipeline());
  const duck = await DuckDbPeer.open(event);
  const table = arqueroTable(event);
  try {
    const folded = foldBatch(folder, event);
    let oursRecords = 0;
    for (const a of folded.aggregates.values()) oursRecords += a.records;
    const oursCheck: PeerCheck = { groups: folded.aggregates.size, records: oursRecords };
    const peers = [
      {
        name: 'hand-written loop',
        timed: 'base64 + JSON.parse + Map<ip|minute, {count,sum,min,max}>',
        endToEnd: true,
        run: () => handLoop(event),
        check: async () => checkHandLoop(handLoop(event)),
      },
      {
        name: 'arquero',
        timed: 'base64 + JSON.parse + from(rows) + derive/groupby/rollup + objects()',
        endToEnd: true,
        run: () => arqueroFull(event),
        check: async () => checkArquero(arqueroFull(event)),
      },
      {
        name: 'arquero (query only)',
        timed: 'derive/groupby/rollup + objects() on a prebuilt table',
        endToEnd: false,
        run: () => arqueroQuery(table),
        check: async () => checkArquero(arqueroQuery(table)),
      },
      {
        name: 'DuckDB',
        timed: 'base64 + JSON.parse + appender (2,048-row chunks) + GROUP BY + rows to JS',
        endToEnd: true,
        run: () => duck.ingestAndQuery(event),
        check: async () => checkDuckDb(await duck.ingestAndQuery(event)),
      },
      {
        name: 'DuckDB (query only)',
        timed: 'GROUP BY + rows to JS over a preloaded table',
        endToEnd: false,
        run: () => duck.queryOnly(),
        check: async () => checkDuckDb(await duck.queryOnly()),
      },
    ];
    const checks = new Map<string, PeerCheck>();
    for (const peer of peers) {
      const check = await peer.check();
      if (check.groups !== oursCheck.groups || check.records !== oursCheck.records) {
        throw new Error(
          `Peer ${peer.name} disagrees with the fold: ${JSON.stringify(check)} vs ${JSON.stringify(oursCheck)}`,
        );
      }
      checks.set(peer.name, check);
    }
    const cases: BenchCase[] = [
      { name: 'ours', run: () => foldBatch(folder, event) },
      { name: 'baseline', run: () => parseJsonBaseline(event) },
      ...peers.map((p) => ({ name: p.name, run: p.run })),
    ];
    const timings = await measureCases(cases, options);
    const ours = timings.get('ours') as TimingSummary;
    const rows: PeerRow[] = peers.map((p) => {
      const t = timings.get(p.name) as TimingSummary;
      return {
        name: p.name,
        timed: p.timed,
        endToEnd: p.endToEnd,
        rate: toRate(t, records, bytes),
        oursVsPeer: round(t.medianMs / ours.medianMs),
        check: checks.get(p.name) as PeerCheck,
      };
    });
    const fastest = rows
      .filter((r) => r.endToEnd)
      .reduce((best, r) => (r.rate.medianMs < best.rate.medianMs ? r : best));
    return {
      records,
      ours: toRate(ours, records, bytes),
      oursCheck,
      baseline: toRate(timings.get('baseline') as TimingSummary, records, bytes),
      peers: rows,
      fastestEndToEndPeer: fastest.name,
      foldVsFastestPeer: fastest.oursVsPeer,
    };
  } finally {
    duck.close();
  }
};
