/** What the scaffold depends on: where streamfold comes from, and the versions of the tools beside it. */
export interface ScaffoldVersions {
  /** The `streamfold` dependency: `file:/abs/streamfold-0.1.0.tgz`, `file:/abs/checkout`, or `^0.1.0`. */
  readonly streamfold: string;
  readonly awsCdkLib: string;
  readonly constructs: string;
  readonly awsCdk: string;
  readonly tsx: string;
  readonly vitest: string;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const CONFIG = `import { count, defineConfig, definePipeline, json, sum, tumbling } from 'streamfold';

/**
 * What each user does, minute by minute: JSON events { "user", "action", "amount", "time" } folded into
 * one-minute windows per user — how many actions, and how much they spent.
 */
export const actions = definePipeline({
  name: 'actions',
  description: 'Actions and amount spent per user and minute, from JSON events',
  stream: 'actions',
  decode: json(),
  groupBy: ['user'],
  eventTime: 'time',
  window: tumbling('1m', { allowedLateness: '5m' }),
  metrics: {
    actions: count(),
    spent: sum('amount', { missing: 'skip' }),
  },
  retention: '30d',
  rankBy: ['actions', 'spent'],
});

/**
 * The pipelines of this project. Every streamfold command finds this file (from this directory or one
 * below it) and knows them by name; the CDK app deploys them. \`samples\` gives \`streamfold dev --demo\`
 * (\`npm start\`) the records it replays as demo traffic.
 */
export default defineConfig({
  pipelines: [actions],
  samples: { actions: 'samples/actions.ndjson' },
});
`;

const SAMPLE = [
  '{"user":"ada","action":"view","time":"2026-11-21T08:30:05Z"}',
  '{"user":"ada","action":"buy","amount":12.5,"time":"2026-11-21T08:30:40Z"}',
  '{"user":"bob","action":"view","time":"2026-11-21T08:30:12Z"}',
  '{"user":"ada","action":"view","time":"2026-11-21T08:31:02Z"}',
  '{"user":"bob","action":"buy","amount":30,"time":"2026-11-21T08:31:15Z"}',
  '{"user":"bob","action":"buy","amount":4.25,"time":"2026-11-21T08:31:50Z"}',
  '{"user":"cy","action":"view","time":"2026-11-21T08:31:30Z"}',
  '{"user":"cy","action":"buy","amount":"lots","time":"2026-11-21T08:31:31Z"}',
  '{"user":"ada","action":"view","time":',
  '',
].join('\n');

const APP = `/**
 * The CDK app (cdk.json runs it): deploys the pipelines of streamfold.config.ts, each with its Kinesis stream,
 * Lambda functions (bundled with your config), DynamoDB tables, alarms and dashboard.
 * \`npx cdk synth\` works offline; \`npx cdk deploy\` needs AWS credentials.
 */
import { runStreamfoldApp } from 'streamfold/cdk';

await runStreamfoldApp();
`;

const TEST = `import { foldFile } from 'streamfold/testing';
import { describe, expect, it } from 'vitest';
import { actions } from '../streamfold.config.ts';

describe('Pipeline: actions', () => {
  it('counts each user’s actions and spending per minute, and rejects the malformed lines', async () => {
    // Act: fold the sample as the deployed Lambda folds a batch, as of 08:35
    const report = await foldFile(actions, 'samples/actions.ndjson', {
      arrivalMs: Date.parse('2026-11-21T08:35:00Z'),
    });

    // Assess
    expect(report.results.map((r) => [r.window.start, r.group.user, r.metrics.actions, r.metrics.spent])).toStrictEqual([
      ['2026-11-21T08:30:00.000Z', 'ada', 2, 12.5],
      ['2026-11-21T08:30:00.000Z', 'bob', 1, 0],
      ['2026-11-21T08:31:00.000Z', 'ada', 1, 0],
      ['2026-11-21T08:31:00.000Z', 'bob', 2, 34.25],
      ['2026-11-21T08:31:00.000Z', 'cy', 1, 0],
    ]);
    expect(report.rejected.map((r) => r.line)).toStrictEqual([8, 9]);
  });
});
`;

const readme = (name: string): string => `# ${name}

Real-time windowed analytics with [streamfold](https://www.npmjs.com/package/streamfold): your pipelines are in
\`streamfold.config.ts\`, the CDK app that deploys them in \`infra/app.ts\`.

\`\`\`sh
npm install && npm start    # the pipeline locally (Kinesis, Lambda, DynamoDB) with demo traffic from its sample
npm test                    # fold the sample and check the results
\`\`\`

More:

\`\`\`sh
npx streamfold fold actions --input samples/actions.ndjson --arrival 2026-11-21T08:35:00Z   # dry run on a file
npx streamfold dev                                  # the local stack only; prints its endpoints
npx streamfold query actions --endpoint <dynamodb endpoint dev printed>
npx streamfold top actions --metric actions --endpoint <dynamodb endpoint dev printed>
npx cdk synth                                        # the CloudFormation template, offline
npx cdk deploy                                       # to your AWS account
\`\`\`

Add a pipeline: define it in \`streamfold.config.ts\` (or a file it imports) and list it in \`pipelines\`;
every command then knows it by name.
`;

/**
 * The files of a new streamfold project, by path: `package.json`, `streamfold.config.ts` with one pipeline,
 * its sample, `cdk.json` and `infra/app.ts`, a vitest test, a README and `.gitignore`.
 *
 * @example
 * const files = scaffoldFiles('shop', { streamfold: 'file:/tmp/streamfold-0.1.0.tgz', awsCdkLib: '2.276.0', ... });
 */
export const scaffoldFiles = (name: string, versions: ScaffoldVersions): ReadonlyMap<string, string> =>
  new Map([
    [
      'package.json',
      json({
        name,
        version: '0.1.0',
        private: true,
        type: 'module',
        scripts: {
          start: 'streamfold dev --demo',
          test: 'vitest run',
          synth: 'cdk synth --quiet',
          deploy: 'cdk deploy',
        },
        dependencies: {
          streamfold: versions.streamfold,
          'aws-cdk-lib': versions.awsCdkLib,
          constructs: versions.constructs,
        },
        devDependencies: { 'aws-cdk': versions.awsCdk, tsx: versions.tsx, vitest: versions.vitest },
        allowScripts: { esbuild: true, 'classic-level': false },
      }),
    ],
    ['streamfold.config.ts', CONFIG],
    ['samples/actions.ndjson', SAMPLE],
    ['cdk.json', json({ app: 'npx tsx infra/app.ts', notices: false, context: { 'cli-telemetry': false } })],
    ['infra/app.ts', APP],
    ['test/actions.test.ts', TEST],
    [
      'tsconfig.json',
      json({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
        },
        include: ['streamfold.config.ts', 'infra', 'test'],
      }),
    ],
    ['README.md', readme(name)],
    ['.gitignore', 'node_modules/\ncdk.out/\n.streamfold/\n'],
  ]);
