import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { startKinesisLocal } from '../../local/services/startKinesisLocal.ts';
import type { KinesisLocalService, LocalService } from '../../local/services/types.ts';
import { AWS_TIMEOUTS } from '../../shared/aws/timeouts.ts';
import { type CountingServer, startCountingServer } from '../helpers/countingServer.ts';
import { spawnCli } from '../helpers/spawnCli.ts';
import { withoutAws } from '../helpers/withoutAws.ts';

/**
 * Issue 16, items 1, 5 and 6, through the real `streamfold` binary: every networked command (query, top,
 * produce, redrive on AWS) checks region and credentials before any request and says the same thing when they are
 * missing; an endpoint of the wrong service, or one that never answers, is named in one clear line.
 */

let dynamo: LocalService;
let kinesis: KinesisLocalService;
/** Stands for AWS in these tests: counts connections, so "before any request" is checked. */
let aws: CountingServer;
/** An endpoint that accepts connections and never answers. */
let hung: CountingServer;

beforeAll(async () => {
  [dynamo, kinesis, aws, hung] = await Promise.all([
    startDynalite(),
    startKinesisLocal(),
    startCountingServer(),
    startCountingServer(),
  ]);
});

afterAll(async () => {
  await Promise.all([dynamo?.stop(), kinesis?.stop(), aws?.stop(), hung?.stop()]);
});

/** The three networked commands, with what each needs besides the AWS options. */
const COMMANDS: readonly (readonly [string, readonly string[]])[] = [
  ['query', ['query', 'ohlc']],
  ['top', ['top', 'ohlc', '--metric', 'volume']],
  ['produce', ['produce', 'trades', '--generate', 'ohlc', '--count', '3']],
  ['redrive', ['redrive', 'ohlc', '--queue', 'ohlc-failures']],
];

describe('Networked commands without a region or credentials', () => {
  const cases = COMMANDS.flatMap(([name, args]) => [
    [name, 'no region', [...args], 'streamfold: No AWS region: give --region or set AWS_REGION'] as const,
    [
      name,
      'no credentials',
      [...args, '--region', 'eu-west-1'],
      'streamfold: No AWS credentials found: configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) or give --profile, or use a local stack with --endpoint',
    ] as const,
    [
      name,
      'a profile without credentials',
      [...args, '--region', 'eu-west-1', '--profile', 'nobody'],
      'streamfold: No AWS credentials found for profile "nobody": check it with `aws configure list --profile nobody`',
    ] as const,
  ]);

  it.each(cases)('%s with %s: one line, exit 1, before any request', async (_name, _case, args, line) => {
    // Prepare: were a request sent, it would go to the counting server, not to AWS.
    const before = aws.connections();
    const env = withoutAws({ AWS_ENDPOINT_URL: aws.endpoint });

    // Act
    const { code, stdout, stderr } = await spawnCli(args, { env }).exited;

    // Assess
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
    expect(code).toBe(1);
    expect(aws.connections()).toBe(before);
  });
});

describe('Networked commands pointed at the wrong service', () => {
  it.each([
    ['query', ['query', 'ohlc']],
    ['top', ['top', 'ohlc', '--metric', 'volume']],
  ] as const)('%s at the Kinesis endpoint says it does not look like DynamoDB', async (_name, args) => {
    // Act
    const { code, stdout, stderr } = await spawnCli([...args, '--endpoint', kinesis.endpoint]).exited;

    // Assess
    expect(stderr).toMatch(
      new RegExp(
        `^streamfold: The endpoint ${kinesis.endpoint} does not look like DynamoDB \\(it answered as Kinesis does: HTTP 404 [^\\n]*\\); \`streamfold dev\` prints both endpoints\\n$`,
      ),
    );
    expect(stdout).toBe('');
    expect(code).toBe(1);
  });

  it('produce at the DynamoDB endpoint says it does not look like Kinesis', async () => {
    // Act
    const { code, stdout, stderr } = await spawnCli([
      'produce',
      'trades',
      '--generate',
      'ohlc',
      '--count',
      '3',
      '--endpoint',
      dynamo.endpoint,
    ]).exited;

    // Assess
    expect(stderr).toMatch(
      new RegExp(
        `^streamfold: The endpoint ${dynamo.endpoint} does not look like Kinesis \\(it answered as DynamoDB does: HTTP 404 [^\\n]*\\); \`streamfold dev\` prints both endpoints\\n$`,
      ),
    );
    expect(stdout).toBe('');
    expect(code).toBe(1);
  });
});

describe('Networked commands pointed at an endpoint that never answers', () => {
  it('query and produce end with a clear error after a bounded wait', async () => {
    // Act: both at once (each waits out its own retries of 5 s attempts).
    const [query, produce] = await Promise.all([
      spawnCli(['query', 'ohlc', '--endpoint', hung.endpoint]).exited,
      spawnCli(['produce', 'trades', '--generate', 'ohlc', '--count', '3', '--endpoint', hung.endpoint])
        .exited,
    ]);

    // Assess
    const seconds = AWS_TIMEOUTS.requestTimeoutMs / 1000;
    expect(query.stderr).toBe(
      `streamfold: DynamoDB at ${hung.endpoint} did not answer within ${seconds} s: is it running, and is this the endpoint \`streamfold dev\` printed?\n`,
    );
    expect(query.code).toBe(1);
    // The reader's 3 attempts, and the first failure ends every other window's query.
    expect(query.durationMs).toBeLessThan(3 * AWS_TIMEOUTS.requestTimeoutMs + 10_000);
    // Progress lines come every 10 s while it retries; the error is the last line.
    const lines = produce.stderr.trimEnd().split('\n');
    expect(lines.slice(0, -1).every((line) => line.startsWith('produce → trades: 0 sent'))).toBe(true);
    expect(lines.at(-1)).toBe(
      `streamfold: Kinesis at ${hung.endpoint} did not answer within ${seconds} s: is it running, and is this the endpoint \`streamfold dev\` printed?`,
    );
    expect(produce.stdout).toBe('');
    expect(produce.code).toBe(1);
    // The producer retries a record for 30 s from its first attempt.
    expect(produce.durationMs).toBeLessThan(30_000 + 2 * AWS_TIMEOUTS.requestTimeoutMs + 10_000);
  }, 120_000);
});
