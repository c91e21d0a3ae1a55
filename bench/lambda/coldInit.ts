import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDK_NODE_VERSION_WARNING_ENV } from '../../shared/runtime/quietNodeVersionWarning.ts';
import { median, round } from '../harness/stats.ts';
import { BUILD_DIR, type LambdaBundle } from './bundleLambda.ts';

const MARKER = 'BENCH_INIT ';

/**
 * The probe run in a fresh `node` per sample: require the bundle (module init: the AWS SDK, Powertools,
 * pipeline definitions), then invoke the handler once with an empty Kinesis event, which builds the
 * `DynamoDBClient` and the `BatchProcessor` and processes nothing (no network call).
 */
const PROBE = `'use strict';
const { performance } = require('node:perf_hooks');
const t0 = performance.now();
const mod = require(process.argv[2]);
const t1 = performance.now();
Promise.resolve(mod.handler({ Records: [] }, { getRemainingTimeInMillis: () => 300000 })).then(() => {
  const t2 = performance.now();
  process.stdout.write('\\n${MARKER}' + JSON.stringify({ requireMs: t1 - t0, firstInvokeMs: t2 - t1, sinceProcessStartMs: t2 }) + '\\n');
});
`;

/** Cold init of one bundle: medians over fresh processes. */
export interface ColdInit {
  readonly variant: LambdaBundle['variant'];
  readonly runs: number;
  /** `require` of the bundle (module top level). */
  readonly requireMs: number;
  /** First invocation with an empty event: client and processor construction. */
  readonly firstInvokeMs: number;
  /** requireMs + firstInvokeMs: the init a cold start adds to Node's own start. */
  readonly initMs: number;
  /** From process start (Node's own boot included) to the end of the first invocation. */
  readonly sinceProcessStartMs: number;
}

interface ProbeResult {
  readonly requireMs: number;
  readonly firstInvokeMs: number;
  readonly sinceProcessStartMs: number;
}

/**
 * Figure 5 (cold init): spawns `node` `runs` times on the probe with the function's environment (for the
 * deployed bundle, the template's: `NODE_OPTIONS=--enable-source-maps`, which `NodejsFunction` sets with source
 * maps on, and the pipeline's variables) plus what Lambda adds, and takes medians.
 *
 * @example
 * const init = measureColdInit(synthDeployedBundle(), 7);
 */
export const measureColdInit = (bundle: LambdaBundle, runs: number): ColdInit => {
  const probe = join(BUILD_DIR, 'initProbe.cjs');
  writeFileSync(probe, PROBE);
  const results: ProbeResult[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [probe, bundle.file], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        ...bundle.environment,
        // Set by Lambda itself.
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: 'streamfold-aggregate',
        // The Lambda runtime is Node 24, where the SDK prints no notice; this probe may run on Node 20.
        [SDK_NODE_VERSION_WARNING_ENV]: 'true',
      },
    });
    const line = child.stdout.split('\n').find((l) => l.startsWith(MARKER));
    if (child.status !== 0 || line === undefined) {
      throw new Error(`Cold-init probe failed (status ${child.status}): ${child.stderr.slice(0, 500)}`);
    }
    results.push(JSON.parse(line.slice(MARKER.length)) as ProbeResult);
  }
  const requireMs = median(results.map((r) => r.requireMs));
  const firstInvokeMs = median(results.map((r) => r.firstInvokeMs));
  return {
    variant: bundle.variant,
    runs,
    requireMs: round(requireMs),
    firstInvokeMs: round(firstInvokeMs),
    initMs: round(median(results.map((r) => r.requireMs + r.firstInvokeMs))),
    sinceProcessStartMs: round(median(results.map((r) => r.sinceProcessStartMs))),
  };
};
