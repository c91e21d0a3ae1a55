import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { accessLog } from '../../shared/decode/accessLog.ts';
import { DefinitionError, definePipeline, type PipelineInput } from '../../shared/definition/index.ts';
import { PIPELINE_OPTIONS } from '../../shared/definition/schema.ts';
import {
  type AnyMetric,
  count,
  distinct,
  first,
  last,
  max,
  mean,
  min,
  quantiles,
  stddev,
  sum,
  topK,
  variance,
  weightedMean,
} from '../../shared/metrics/index.ts';
import { tumbling } from '../../shared/window/index.ts';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/pipelines.md', import.meta.url)), 'utf8');

/** The rows of the first table after `heading` (a line of the doc), as arrays of trimmed cells. */
const tableAfter = (heading: string): string[][] => {
  const lines = DOC.slice(DOC.indexOf(heading)).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
};

/** A factory called with a bogus option, so its problem lists the options it knows. */
type Build = (options: never) => AnyMetric;
const KNOWN_OPTIONS: readonly [string, () => AnyMetric][] = (
  [
    ['count', (o) => count(o)],
    ['sum', (o) => sum('x', o)],
    ['min', (o) => min('x', o)],
    ['max', (o) => max('x', o)],
    ['mean', (o) => mean('x', o)],
    ['variance', (o) => variance('x', o)],
    ['stddev', (o) => stddev('x', o)],
    ['first', (o) => first('x', o)],
    ['last', (o) => last('x', o)],
    ['weightedMean', (o) => weightedMean('x', 'w', o)],
    ['distinct', (o) => distinct('x', o)],
    ['quantiles', (o) => quantiles('x', o)],
    ['topK', (o) => topK('x', 3, o)],
  ] satisfies [string, Build][]
).map(([name, build]): [string, () => AnyMetric] => [name, () => build({ bogus: 1 } as never)]);

describe('docs/pipelines.md agrees with definePipeline and the metrics', () => {
  it('lists every definePipeline option in the options table, and no other', () => {
    // Act
    const documented = tableAfter('## Options').map(([option]) => option?.replaceAll('`', ''));

    // Assess
    expect([...documented].sort()).toStrictEqual([...PIPELINE_OPTIONS].sort());
  });

  it.each(KNOWN_OPTIONS)('documents %s and each of its options', (name, build) => {
    // Prepare
    const problem = build().problems?.[0]?.message ?? '';
    const options = /\(its options: (.*)\)$/.exec(problem)?.[1]?.split(', ') ?? [];
    const metricsTable = tableAfter('| metric                                        |').map(([m]) => m);
    const optionRows = tableAfter('Metric options, all checked').map(([metric, option]) => ({
      metric,
      option,
    }));

    // Assess
    expect(options.length).toBeGreaterThan(0);
    expect(
      metricsTable.some((cell) => cell?.includes(`\`${name}(`) || cell?.includes(`\`${name}(...)\``)),
    ).toBe(true);
    for (const option of options) {
      const row = optionRows.find(
        (r) =>
          r.option?.includes(`\`${option}\``) &&
          (r.metric === 'every metric' ||
            (r.metric === 'every metric but `count`' && name !== 'count') ||
            r.metric?.split(', ').includes(`\`${name}\``)),
      );
      expect(row, `${name} option ${option}`).toBeDefined();
    }
  });

  it('shows the error that the described mistakes really give', () => {
    // Prepare: the example pipeline with the mistakes the doc's error block lists
    const input: PipelineInput = {
      name: 'requests-by-ip',
      stream: 'bad stream!',
      decode: accessLog(),
      groupBy: ['ip'],
      eventTime: { field: 'time', format: 'clf' },
      window: tumbling('1m', { allowedLateness: '5m' }),
      metrics: {
        requests: count(),
        errors: count({ where: (r) => typeof r.status === 'number' && r.status >= 500 }),
        bytes: sum('bytes', { missing: 'skip' }),
        latency: quantiles('requestTimeMs', { missing: 'skip', percentiles: ['p95' as unknown as number] }),
        paths: distinct('path', { missing: 'skip' }),
        topPaths: topK('path', 0, { missing: 'skip' }),
      },
      retention: '1m',
      rankBy: ['hits'],
    };
    const documented = /```\n(Pipeline "requests-by-ip" is invalid:\n[\s\S]*?)\n```/.exec(DOC)?.[1];

    // Act & Assess
    expect(() => definePipeline(input)).toThrow(DefinitionError);
    expect(() => definePipeline(input)).toThrow(documented ?? 'the doc has no error block');
  });
});
