import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createApp, STACK_NAME } from '../../infra/createApp.ts';

const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const README = read('../../README.md');
const DEPLOY = read('../../docs/deploy.md');

/** Resource counts by type of a one-pipeline stack with an alarm email (no bundling: only the template). */
const resourceCounts = (): Map<string, number> => {
  const app = createApp({
    context: { pipelines: 'ohlc', alarmEmail: 'oncall@example.com', 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const template = app.synth().getStackByName(STACK_NAME).template as {
    Resources: Record<string, { Type: string }>;
  };
  const counts = new Map<string, number>();
  for (const { Type } of Object.values(template.Resources)) counts.set(Type, (counts.get(Type) ?? 0) + 1);
  return counts;
};

/** The first row of the cost tables of docs/deploy.md ("What it costs") whose first cell starts with `label`. */
const costRow = (label: string): string | undefined =>
  DEPLOY.slice(DEPLOY.indexOf('## What it costs'))
    .split('\n')
    .find((line) => line.startsWith(`| ${label}`));

describe('docs/deploy.md and the README agree with the stack', () => {
  it('prices every fixed resource the stack creates: a key per pipeline, the alarm topic key, the alarms', () => {
    // Act
    const counts = resourceCounts();

    // Assess: one pipeline + the alarm topic
    expect(counts.get('AWS::KMS::Key')).toBe(2);
    expect(costRow('KMS key')).toContain('per key-month');
    expect(costRow('alarm topic KMS key')).toContain('$1 per key-month');
    expect(counts.get('AWS::Kinesis::Stream')).toBe(1);
    expect(costRow('Kinesis on-demand stream')).toBeDefined();
    const alarms = Number(costRow('CloudWatch alarms')?.match(/\((\d+) alarms\)/)?.[1]);
    expect(counts.get('AWS::CloudWatch::Alarm')).toBe(alarms);
    expect(counts.get('AWS::CloudWatch::Dashboard')).toBe(1);
    expect(costRow('dashboard')).toBeDefined();
  });

  it('repeats the deploy command’s -c pipelines in every cdk destroy it shows', () => {
    for (const [name, text] of [
      ['README.md', README],
      ['docs/deploy.md', DEPLOY],
    ] as const) {
      // Act
      const destroys = text.split('\n').filter((line) => /npx cdk destroy\b/.test(line));

      // Assess
      expect(destroys.length, name).toBeGreaterThan(0);
      for (const line of destroys) expect(line, name).toMatch(/npx cdk destroy -c pipelines=[\w,-]+/);
    }
    const deployed = README.match(/npx cdk deploy -c pipelines=([\w,-]+)/)?.[1];
    expect(README).toContain(`npx cdk destroy -c pipelines=${deployed}`);
  });
});
