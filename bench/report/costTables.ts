import type { CostFigure } from '../cost/costFigure.ts';
import type { HandlerAgreementRow } from '../cost/handlerAgreement.ts';
import { COST_OPTIONS, type OptionCost, type ScenarioCost } from '../cost/priceScenario.ts';
import { num, type TextTable, times } from './formatTable.ts';

const usd = (value: number | undefined): string =>
  value === undefined ? '–' : value >= 100 ? num(value, 0) : value >= 1 ? num(value, 2) : num(value, 4);

const scenarioCells = (s: ScenarioCost): string[] => [
  s.scenario.pipeline,
  num(s.scenario.ratePerShard),
  num(s.scenario.shards),
  s.scenario.shards === 1 ? 'any' : s.scenario.partitioning,
];

const OPTION_HEADERS = [
  '(a) per-record',
  '(b) per-batch',
  '(c) coalesced',
  '(d) λ tumbling',
  '(e) Flink',
  '(f) bound',
];

const basisOf = (o: OptionCost | undefined): string =>
  o === undefined ? '–' : o.basis === 'measured' ? 'measured' : o.basis === 'model' ? 'model' : 'extrap.';

/**
 * The cost figure's printed tables: $ per million events, $ per month, how much was measured, and the
 * check of option (b) against the handler figure.
 *
 * @example
 * costTables(cost, agreement).map(formatTable);
 */
export const costTables = (
  cost: CostFigure,
  agreement: readonly HandlerAgreementRow[] | undefined,
): TextTable[] => {
  const rates = [...new Set(cost.scenarios.map((s) => s.scenario.ratePerShard))].join(', ');
  const tables: TextTable[] = [
    {
      title: `7a. Cost: $ per million events by option (rates ${rates} records/s per shard; ${cost.settings.minutes} simulated minutes each; Kinesis apart)`,
      headers: ['pipeline', 'rec/s/shard', 'shards', 'partition', ...OPTION_HEADERS, 'Kinesis', '(b)', '(c)'],
      rows: cost.scenarios.map((s) => [
        ...scenarioCells(s),
        ...COST_OPTIONS.map((o) => usd(s.options[o]?.perMillionEvents)),
        usd(s.kinesis.perMillionEvents),
        basisOf(s.options.perBatch),
        basisOf(s.options.coalesced),
      ]),
      notes: [
        'US dollars per 10^6 records, us-east-1 list prices (bench/cost/prices.ts). Kinesis (on-demand: stream-hours, GiB in and out at 1 KiB per record) is the same for every option.',
        '(b)/(c): the real BatchProcessor against dynalite ("measured"), or a measured prefix and the fold-counted rest ("extrap.", see 7c); (a), (d), (e), (f): from the fold ("model").',
        cost.coalescedAvailable
          ? `Default settings: ${cost.defaultMode === 'coalesced' ? `(c), flushEvery ${cost.assumptions.coalescedFlushEveryMs / 1000} s` : '(b)'}.`
          : '(c) not available: the handler does not answer tumbling-window events with a state yet.',
      ],
    },
    {
      title: '7b. Cost: $ per month at that steady rate (730 h; Kinesis apart)',
      headers: ['pipeline', 'rec/s/shard', 'shards', 'partition', ...OPTION_HEADERS, 'Kinesis', 'Flink KPUs'],
      rows: cost.scenarios.map((s) => [
        ...scenarioCells(s),
        ...COST_OPTIONS.map((o) => usd(s.options[o]?.perMonth)),
        usd(s.kinesis.perMonth),
        `${s.flinkSize.processing}+1`,
      ]),
      notes: [
        `Flink: the smallest application that holds the rate at ${num(cost.assumptions.flink.recordsPerSecondPerKpu)} records/s per KPU, plus the orchestration KPU, plus its DynamoDB writes (each item once, as (f)).`,
      ],
    },
    {
      title: '7c. Cost: what ran against dynalite (measured) and the per-item-write factors used beyond',
      headers: [
        'pipeline',
        'rec/s/shard',
        'shards',
        'partition',
        'mode',
        'invocations',
        'measured',
        'measured sim s',
        'item writes/inv',
        'WU/item write',
        'index WU/write',
        'measured=model',
      ],
      rows: cost.scenarios.flatMap((s) =>
        (['perBatch', 'coalesced'] as const).flatMap((mode) => {
          const m = s.measurement[mode];
          if (m === undefined) return [];
          return [
            [
              ...scenarioCells(s),
              mode === 'perBatch' ? '(b)' : '(c)',
              num(m.invocations),
              num(m.measuredInvocations),
              num(m.measuredSimulatedSeconds, 0),
              num(m.itemWritesPerInvocation, 1),
              num(m.perItemWrite.tableWriteUnits, 2),
              num(m.perItemWrite.indexWriteUnits, 2),
              times((m.measuredItemWrites - m.startupItemWrites) / Math.max(1, m.modelItemWritesOnMeasured)),
            ],
          ];
        }),
      ),
      notes: [
        'measured = invocations run through BatchProcessor against dynalite; the rest is priced from the fold’s exact item-write count per invocation × the measured factors.',
        'measured=model: item writes the handler made ÷ what the fold predicted for those invocations, without the repeated writes of (c)’s one-off flush in each shard’s first interval; (c) > 1 would be flushes before the state passes its limit.',
      ],
    },
  ];
  if (agreement !== undefined && agreement.length > 0) {
    tables.push({
      title: '7d. Check: option (b) against figure 4 (same handler, 1,000-record batches)',
      headers: [
        'pipeline',
        'fig. 4 items/batch',
        'fig. 4 WU/batch',
        '(b) items/batch',
        '(b) WU/batch',
        '(b) records/batch',
      ],
      rows: agreement.map((a) => [
        a.pipeline,
        num(a.handlerItemsPerBatch, 1),
        num(a.handlerWriteUnitsPerBatch, 1),
        num(a.costItemsPerBatch, 1),
        num(a.costWriteUnitsPerBatch, 1),
        num(a.costRecordsPerBatch, 0),
      ]),
      notes: [
        'Figure 4 spreads each batch’s arrivals over ~7 s of a 4-minute stream; (b) at 1,000 records/s per shard fills a batch in 1 s: item counts differ by that much, not more.',
      ],
    });
  }
  return tables;
};
