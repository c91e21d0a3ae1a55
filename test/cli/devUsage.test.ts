import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/runCliProcess.ts';

/** `streamfold dev` refuses bad options before it starts anything: one line naming the value, exit 2. */
describe('Command: streamfold dev, usage errors', () => {
  it.each([
    [['--refresh', '0s'], '--refresh must be at least 500ms (given "0s")'],
    [['--refresh', '100ms'], '--refresh must be at least 500ms (given "100ms")'],
    [['--kinesis-port', '99999'], '--kinesis-port must be a port number up to 65535 (given "99999")'],
    [['--dynamodb-port', '65536'], '--dynamodb-port must be a port number up to 65535 (given "65536")'],
    [['--web-port', '70000'], '--web-port must be a port number up to 65535 (given "70000")'],
    [['--pipelines', ','], '--pipelines names no pipeline (given ",")'],
    [['--pipelines', ' '], '--pipelines names no pipeline (given " ")'],
  ])('refuses %j', (args, message) => {
    // Act
    const { code, stdout, stderr } = runCliProcess(['dev', '--no-web', ...args]);

    // Assess
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^streamfold: /);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('listening');
    expect(stdout).toBe('');
  });
});
