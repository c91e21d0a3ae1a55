import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { devHints, type HintPipeline } from '../../cli/render/devHints.ts';
import { json } from '../../shared/decode/json.ts';
import { definePipeline } from '../../shared/definition/definePipeline.ts';
import { ohlc } from '../../shared/examples/ohlc.ts';
import { requestsByIp } from '../../shared/examples/requestsByIp.ts';
import { count } from '../../shared/metrics/count.ts';
import { tumbling } from '../../shared/window/tumbling.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const endpoints = { kinesis: 'http://127.0.0.1:4568', dynamodb: 'http://127.0.0.1:8000' };
const running = (definition: typeof ohlc): HintPipeline => ({
  definition,
  stream: definition.stream,
  resultsTable: `streamfold-${definition.name}-results`,
});

describe('Function: devHints', () => {
  it('names only the running pipelines: top, query and scan of the first, its sample retimed to now', () => {
    // Act
    const hints = devHints({ endpoints, pipelines: [running(ohlc)], cwd: ROOT }).join('\n');

    // Assess
    expect(hints).toContain(
      'npx streamfold top ohlc --metric volume --chart --endpoint http://127.0.0.1:8000',
    );
    expect(hints).toContain('npx streamfold query ohlc --endpoint http://127.0.0.1:8000');
    expect(hints).toContain(
      'npx streamfold produce trades --input samples/trades.ndjson --retime --endpoint http://127.0.0.1:4568',
    );
    for (const other of ['requests-by-ip', 'access-logs', 'sensor', 'csv-rows', 'category']) {
      expect(hints).not.toContain(other);
    }
  });

  it('gives the AWS CLI the dummy credentials and the region it needs against a local endpoint', () => {
    // Act
    const hints = devHints({ endpoints, pipelines: [running(requestsByIp)], cwd: ROOT });

    // Assess
    expect(hints).toContain(
      '  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws dynamodb scan --table-name streamfold-requests-by-ip-results --endpoint-url http://127.0.0.1:8000 --region us-east-1',
    );
  });

  it('prints paths relative to where the user is', () => {
    // Act
    const hints = devHints({ endpoints, pipelines: [running(ohlc)], cwd: join(ROOT, 'docs') }).join('\n');

    // Assess
    expect(hints).toContain('--input ../samples/trades.ndjson --retime');
  });

  it('names a pipeline of your config by its name, and suggests no sample it lacks', () => {
    // Prepare
    const actions = definePipeline({
      name: 'actions',
      stream: 'actions',
      decode: json(),
      groupBy: ['user'],
      eventTime: 'time',
      window: tumbling('1m'),
      metrics: { actions: count() },
      retention: '1d',
    });

    // Act
    const hints = devHints({ endpoints, pipelines: [running(actions)], cwd: ROOT, samples: new Map() }).join(
      '\n',
    );

    // Assess
    expect(hints).toContain('npx streamfold top actions --metric actions --chart');
    expect(hints).toContain('npx streamfold query actions --endpoint');
    expect(hints).not.toContain('produce');
  });
});
