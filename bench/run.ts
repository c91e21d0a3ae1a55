import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { quietNodeVersionWarning } from '../shared/runtime/quietNodeVersionWarning.ts';
import { costChartSvg } from './cost/costChart.ts';
import { type CostFigure, measureCost } from './cost/costFigure.ts';
import { handlerAgreement } from './cost/handlerAgreement.ts';
import { DynaliteProcess } from './dynamo/DynaliteProcess.ts';
import { type DynamoCost, dynamoCost } from './dynamo/dynamoCost.ts';
import { measureWriteCost } from './dynamo/writeCost.ts';
import { type FoldThroughput, measureFoldThroughput } from './fold/foldThroughput.ts';
import { type EndToEndRow, measureEndToEnd } from './handler/endToEnd.ts';
import { describeMachine } from './harness/machine.ts';
import { round } from './harness/stats.ts';
import { type LambdaPackage, measureLambdaPackage } from './lambda/lambdaPackage.ts';
import { type MemoryRow, measureMemory } from './memory/measureMemory.ts';
import { comparePeers, type PeerComparison } from './peers/comparePeers.ts';
import { formatTable } from './report/formatTable.ts';
import { reportTables } from './report/reportTables.ts';
import type { BenchResults, HeadlineRatios } from './report/types.ts';
import { resultsBase, writeResults } from './report/writeResults.ts';
import { parseRunOptions } from './runOptions.ts';

// The SDK warns that releases after January 2027 need Node 22; the bench measures, it does not upgrade.
quietNodeVersionWarning();

const { dynamoDbClient } = await import('../local/services/clients.ts');

const settings = parseRunOptions(process.argv.slice(2));
const machine = describeMachine();
const started = Date.now();
const startedAt = new Date(started).toISOString();
const has = (section: string): boolean => settings.sections.includes(section);
const step = (label: string): void => {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${label}\n`);
};
const measure = { warmup: settings.warmup, rounds: settings.rounds };

let fold: FoldThroughput | undefined;
let peers: PeerComparison | undefined;
let dynamo: DynamoCost | undefined;
let handler: EndToEndRow[] | undefined;
let lambda: LambdaPackage | undefined;
let memory: MemoryRow[] | undefined;
let cost: CostFigure | undefined;

if (has('fold')) {
  step('1. fold throughput');
  fold = await measureFoldThroughput(settings.batchRecords, measure);
}
if (has('peers')) {
  step('2. peers');
  peers = await comparePeers(settings.batchRecords, measure);
}
if (has('dynamo') || has('handler')) {
  const dynalite = await DynaliteProcess.start();
  const client = dynamoDbClient(dynalite.endpoint);
  try {
    if (has('dynamo')) {
      step('3. DynamoDB cost (dynalite)');
      dynamo = dynamoCost(
        await measureWriteCost(client, {
          records: settings.writeCostRecords,
          measureNaiveFor: settings.mode === 'full' ? ['ohlc'] : [],
        }),
      );
    }
    if (has('handler')) {
      step('4. handler end to end (dynalite)');
      handler = await measureEndToEnd(client, settings.endToEnd);
    }
  } finally {
    client.destroy();
    await dynalite.stop();
  }
}
if (has('lambda')) {
  step('5. Lambda package and cold init');
  lambda = await measureLambdaPackage(settings.coldInitRuns);
}
if (has('memory')) {
  step('6. memory (child processes)');
  memory = measureMemory(settings.memoryRecords);
}
if (has('cost')) {
  step('7. cost per million events (virtual clock, dynalite)');
  const dynalite = await DynaliteProcess.start();
  const client = dynamoDbClient(dynalite.endpoint);
  try {
    cost = await measureCost(client, settings.cost, (line) => process.stderr.write(`${line}\n`));
  } finally {
    client.destroy();
    await dynalite.stop();
  }
}

const sets = fold?.metricSets;
const ratios: HeadlineRatios = {
  foldVsParse: sets?.[0]?.foldVsBaseline,
  foldAllMetricsVsParse: sets?.[sets.length - 1]?.foldVsBaseline,
  foldVsFastestPeer: peers?.foldVsFastestPeer,
  writeUnitsVsLowerBound: dynamo && round(dynamo.totalWriteUnits / dynamo.totalLowerBound, 4),
  naiveVsOurWriteUnits: dynamo && round(dynamo.totalNaiveWriteUnits / dynamo.totalWriteUnits),
  examplesFoldVsBaseline:
    fold && Object.fromEntries(fold.examples.map((e) => [e.pipeline, e.foldVsBaseline])),
  costVsFlink: cost?.ratios[cost.defaultMode]?.costVsFlink,
  writeUnitsVsWindowLowerBound: cost?.ratios[cost.defaultMode]?.writeUnitsVsWindowLowerBound,
  coalescedVsPerBatch: cost?.ratios.coalescedVsPerBatch,
};
const base = resultsBase({ startedAt, settings });
let chart: string | undefined;
if (cost !== undefined) {
  chart = `${base}-cost.svg`;
  writeFileSync(chart, await costChartSvg(cost));
}
const results: BenchResults = {
  schemaVersion: 1,
  startedAt,
  durationSec: round((Date.now() - started) / 1000),
  machine,
  settings,
  ratios,
  fold,
  peers,
  dynamo,
  handler: handler && { emulator: 'dynalite', rows: handler },
  lambda,
  memory,
  cost: cost && {
    ...cost,
    chart: chart && basename(chart),
    perBatchVsHandlerFigure: handler && handlerAgreement(cost, handler),
  },
};
const path = writeResults(results);
process.stdout.write(reportTables(results).map(formatTable).join('\n'));
process.stdout.write(`\nResults written to ${path}${chart === undefined ? '' : ` and ${chart}`}\n`);
