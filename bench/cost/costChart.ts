import { parse, type Spec, View } from 'vega';
import { round } from '../harness/stats.ts';
import type { CostFigure } from './costFigure.ts';
import { COST_OPTIONS, OPTION_LABELS } from './priceScenario.ts';

const KINESIS_LABEL = 'Kinesis stream (same for every option)';

/** One point of the chart. */
interface ChartPoint {
  readonly pipeline: string;
  /** Position of the example in the run's list (panel order). */
  readonly order: number;
  readonly shards: string;
  readonly rate: number;
  readonly option: string;
  readonly usd: number;
}

/**
 * The chart's data: $ per million events at each rate per shard, one line per option (and one for the
 * stream), per example (columns) and shard count (rows), keyed partitioning.
 *
 * @example
 * chartPoints(cost).length;
 */
export const chartPoints = (cost: CostFigure): ChartPoint[] => {
  const points: ChartPoint[] = [];
  for (const s of cost.scenarios) {
    if (s.scenario.partitioning !== 'keyed') continue;
    const base = {
      pipeline: s.scenario.pipeline,
      order: cost.settings.pipelines.indexOf(s.scenario.pipeline),
      shards: `${s.scenario.shards} shard${s.scenario.shards === 1 ? '' : 's'}`,
      rate: s.scenario.ratePerShard,
    };
    for (const option of COST_OPTIONS) {
      const priced = s.options[option];
      if (priced !== undefined && priced.perMillionEvents > 0)
        points.push({ ...base, option: OPTION_LABELS[option], usd: round(priced.perMillionEvents, 4) });
    }
    points.push({ ...base, option: KINESIS_LABEL, usd: round(s.kinesis.perMillionEvents, 4) });
  }
  return points;
};

/**
 * Renders the cost chart as SVG with Vega (headless, no canvas): log–log, $ per million events against
 * records/s per shard, one line per option, one panel per example and shard count.
 *
 * @example
 * writeFileSync('cost.svg', await costChartSvg(cost));
 */
export const costChartSvg = async (cost: CostFigure): Promise<string> => {
  const points = chartPoints(cost);
  const labels = [...COST_OPTIONS.map((o) => OPTION_LABELS[o]), KINESIS_LABEL].filter((label) =>
    points.some((p) => p.option === label),
  );
  const decades = (values: readonly number[]): number[] => {
    const lo = Math.floor(Math.log10(Math.min(...values)));
    const hi = Math.ceil(Math.log10(Math.max(...values)));
    return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  };
  const rates = [...new Set(points.map((p) => p.rate))].sort((a, b) => a - b);
  const usdTicks = decades(points.map((p) => p.usd));
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    padding: 10,
    title: {
      text: 'What a million events cost (us-east-1 list prices, Kinesis shown apart)',
      subtitle: `streamfold bench, ${cost.settings.minutes} simulated minutes per scenario, keyed partitioning`,
      anchor: 'start',
      fontSize: 15,
    },
    data: [{ name: 'points', values: points }],
    layout: { columns: cost.settings.pipelines.length, padding: { row: 30, column: 20 }, bounds: 'full' },
    scales: [
      { name: 'x', type: 'log', domain: { data: 'points', field: 'rate' }, range: [0, 190], nice: false },
      {
        name: 'y',
        type: 'log',
        domain: [usdTicks[0] as number, usdTicks[usdTicks.length - 1] as number],
        range: [170, 0],
      },
      { name: 'color', type: 'ordinal', domain: labels, range: 'category' },
    ],
    legends: [
      {
        stroke: 'color',
        title: 'option',
        orient: 'bottom',
        direction: 'vertical',
        columns: 2,
        labelLimit: 400,
        columnPadding: 24,
      },
    ],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'cell', data: 'points', groupby: ['shards', 'order', 'pipeline'] } },
        sort: { field: ['datum.shards', 'datum.order'] },
        title: { text: { signal: "parent.pipeline + ', ' + parent.shards" }, fontSize: 12 },
        encode: { update: { width: { value: 190 }, height: { value: 170 } } },
        axes: [
          {
            orient: 'bottom',
            scale: 'x',
            title: 'records/s per shard',
            grid: true,
            values: rates,
            format: ',',
          },
          {
            orient: 'left',
            scale: 'y',
            title: '$ per million events',
            grid: true,
            values: usdTicks,
            format: '$~g',
          },
        ],
        marks: [
          {
            type: 'group',
            from: { facet: { name: 'line', data: 'cell', groupby: 'option' } },
            marks: [
              {
                type: 'line',
                from: { data: 'line' },
                sort: { field: 'datum.rate' },
                encode: {
                  update: {
                    x: { scale: 'x', field: 'rate' },
                    y: { scale: 'y', field: 'usd' },
                    stroke: { scale: 'color', field: 'option' },
                    strokeWidth: { value: 2 },
                    strokeDash: { signal: `datum.option === '${KINESIS_LABEL}' ? [4, 3] : [1, 0]` },
                  },
                },
              },
              {
                type: 'symbol',
                from: { data: 'line' },
                encode: {
                  update: {
                    x: { scale: 'x', field: 'rate' },
                    y: { scale: 'y', field: 'usd' },
                    fill: { scale: 'color', field: 'option' },
                    size: { value: 20 },
                  },
                },
              },
            ],
          },
        ],
      },
    ],
  };
  const view = new View(parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
};
