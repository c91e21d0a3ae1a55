import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  quietNodeVersionWarning,
  SDK_NODE_VERSION_WARNING_ENV,
} from '../../shared/runtime/quietNodeVersionWarning.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULE = fileURLToPath(new URL('../../shared/runtime/quietNodeVersionWarning.ts', import.meta.url));
/** The SDK prints its notice only below Node 22: there, a run without the switch must show it. */
const SDK_WARNS_HERE = Number(process.versions.node.split('.')[0]) < 22;

/** This environment without the SDK switch (which the vitest setup file sets for every test worker). */
const envWithoutSwitch = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env[SDK_NODE_VERSION_WARNING_ENV];
  return env;
};

/** A fresh Node process that optionally quiets the notice, constructs an SDK client, then emits a warning. */
const runProbe = (quiet: boolean): string => {
  const script = [
    quiet
      ? `const { quietNodeVersionWarning } = await import(${JSON.stringify(MODULE)}); quietNodeVersionWarning();`
      : '',
    "const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');",
    "new DynamoDBClient({ region: 'us-east-1' });",
    "process.emitWarning('a warning that must still be seen', 'ProbeWarning');",
    'await new Promise((resolve) => setTimeout(resolve, 50));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: envWithoutSwitch(),
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stderr;
};

describe('quietNodeVersionWarning: the AWS SDK notice about Node 20, and only it, is off', () => {
  it('turns off the notice in a process and keeps every other warning', () => {
    // Act
    const quiet = runProbe(true);
    const loud = runProbe(false);

    // Assess
    expect(quiet).not.toContain('NodeVersionSupportWarning');
    expect(quiet).toContain('ProbeWarning: a warning that must still be seen');
    expect(loud).toContain('ProbeWarning: a warning that must still be seen');
    if (SDK_WARNS_HERE) expect(loud).toContain('NodeVersionSupportWarning');
  });

  it('keeps the streamfold command quiet although it constructs SDK clients', () => {
    // Act: a query against a closed port constructs a DynamoDB client, then fails to connect
    const { stderr } = runCliProcess(['query', 'ohlc', '--endpoint', 'http://127.0.0.1:9'], undefined, {
      env: envWithoutSwitch(),
    });

    // Assess
    expect(stderr).not.toContain('NodeVersionSupportWarning');
    expect(stderr).toContain('streamfold:');
  });

  it('leaves an explicit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false alone', () => {
    // Prepare
    const env: NodeJS.ProcessEnv = { [SDK_NODE_VERSION_WARNING_ENV]: 'false' };

    // Act
    quietNodeVersionWarning(env);

    // Assess
    expect(env[SDK_NODE_VERSION_WARNING_ENV]).toBe('false');
  });

  it('is on in every test worker (the vitest setup file), so test output and child processes stay clean', () => {
    // Assess
    expect(process.env[SDK_NODE_VERSION_WARNING_ENV]).toBe('true');
  });
});
