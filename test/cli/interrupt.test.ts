import { connect } from 'node:net';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '../../local/services/clients.ts';
import { startKinesisLocal } from '../../local/services/startKinesisLocal.ts';
import type { KinesisLocalService } from '../../local/services/types.ts';
import { type CountingServer, startCountingServer } from '../helpers/countingServer.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';
import { spawnCli } from '../helpers/spawnCli.ts';

/**
 * Issue 16, item 7, through the real `streamfold` binary: Ctrl-C's exit status (130) is in every
 * command's help, and `produce` exits with what its help says: 0 after one Ctrl-C (what was buffered is
 * put), 130 after a second one.
 */

let kinesis: KinesisLocalService;
let hung: CountingServer;

beforeAll(async () => {
  [kinesis, hung] = await Promise.all([startKinesisLocal(), startCountingServer()]);
  const client = kinesisClient(kinesis.endpoint);
  await client.send(new CreateStreamCommand({ StreamName: 'lines', ShardCount: 1 }));
  client.destroy();
});

afterAll(async () => {
  await Promise.all([kinesis?.stop(), hung?.stop()]);
});

/** Sends `text` to a `--listen` port and closes the connection. */
const sendLines = (port: number, text: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });

const listeningPort = (stderr: string): number => Number(/Listening on 127\.0\.0\.1:(\d+)/.exec(stderr)?.[1]);

describe('Exit status 130 (interrupted) in the help', () => {
  it.each(['dev', 'fold', 'produce', 'query', 'top'])(
    'streamfold %s --help lists every exit status',
    (name) => {
      // Act
      const { code, stdout } = runCliProcess([name, '--help']);

      // Assess
      expect(code).toBe(0);
      const block = stdout.slice(stdout.indexOf('Exit status:'));
      expect(block).toMatch(
        /^Exit status:\n {2}0 {4}\S.*\n {2}1 {4}\S.*\n {2}2 {4}usage error.*\n {2}130 {2}interrupted \(.+\)\n$/,
      );
    },
  );

  it('streamfold --help lists them too', () => {
    // Act
    const { code, stdout } = runCliProcess(['--help']);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('Exit status: 0 ok, 1 failure, 2 usage error, 130 interrupted (Ctrl-C)');
  });
});

describe('Command: streamfold produce, interrupted', () => {
  it('exits 0 after one Ctrl-C, having put what it had read', async () => {
    // Prepare
    const cli = spawnCli(['produce', 'lines', '--listen', '127.0.0.1:0', '--endpoint', kinesis.endpoint]);
    await cli.waitForStderr('Listening on');
    await sendLines(listeningPort(cli.stderr()), 'one\ntwo\n');
    await new Promise((resolve) => setTimeout(resolve, 500)); // the producer's linger is 100 ms

    // Act
    cli.child.kill('SIGINT');
    const { code, signal, stdout, stderr } = await cli.exited;

    // Assess
    expect(stderr).toContain('Stopping: putting what is buffered (Ctrl-C again to quit now)');
    expect(stdout).toMatch(/^Interrupted: put 2 record\(s\) into lines /);
    expect(signal).toBeNull();
    expect(code).toBe(0);
  });

  it('exits 130 on a second Ctrl-C, without waiting for what is buffered', async () => {
    // Prepare: the endpoint never answers, so putting what is buffered would take its full retries.
    const cli = spawnCli(['produce', 'lines', '--listen', '127.0.0.1:0', '--endpoint', hung.endpoint]);
    await cli.waitForStderr('Listening on');
    await sendLines(listeningPort(cli.stderr()), 'stuck\n');

    // Act
    cli.child.kill('SIGINT');
    await cli.waitForStderr('Stopping: putting what is buffered');
    cli.child.kill('SIGINT');
    const { code, signal, stdout, stderr, durationMs } = await cli.exited;

    // Assess
    expect(stderr).toContain('Interrupted again: quitting without putting what is buffered');
    expect(stdout).toBe('');
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(durationMs).toBeLessThan(20_000);
  });
});
