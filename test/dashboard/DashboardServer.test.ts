import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardServer, type ViewRequest } from '../../cli/dashboard/DashboardServer.ts';
import { DashboardError } from '../../cli/dashboard/errors.ts';
import type { DashboardView } from '../../cli/dashboard/types.ts';
import { ohlc } from '../../shared/examples/ohlc.ts';

const TOKEN = 'a'.repeat(48);

/** A plain HTTP request, so the Host header and method are exactly as given. */
const send = (
  port: number,
  path: string,
  options: { method?: string; host?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? `127.0.0.1:${port}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });

describe('Class: DashboardServer', () => {
  const servers: DashboardServer[] = [];
  const requests: ViewRequest[] = [];
  const start = async (): Promise<DashboardServer> => {
    const server = await DashboardServer.start({
      pipelines: [ohlc],
      token: TOKEN,
      loadView: async (req) => {
        requests.push(req);
        return { pipeline: req.definition.name } as unknown as DashboardView;
      },
    });
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    requests.splice(0);
  });

  it('listens on 127.0.0.1 and puts the token in its address', async () => {
    // Act
    const server = await start();

    // Assess
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('generates an unguessable token when none is given', async () => {
    // Act
    const a = await DashboardServer.start({ pipelines: [ohlc], loadView: async () => ({}) as DashboardView });
    const b = await DashboardServer.start({ pipelines: [ohlc], loadView: async () => ({}) as DashboardView });
    servers.push(a, b);

    // Assess
    expect(a.token).toMatch(/^[0-9a-f]{48}$/);
    expect(a.token).not.toBe(b.token);
  });

  it.each([
    ['no token', '/'],
    ['a wrong token', `/?token=${'b'.repeat(48)}`],
    ['a token of another length', '/?token=a'],
    ['a wrong token on the data', `/api/view?pipeline=ohlc&token=${'b'.repeat(48)}`],
    ['a wrong token on a script', '/assets/echarts.min.js?token=x'],
  ])('answers 403 to %s, and reads nothing', async (_, path) => {
    // Prepare
    const server = await start();

    // Act
    const response = await send(server.port, path);

    // Assess
    expect(response.status).toBe(403);
    expect(requests).toHaveLength(0);
  });

  it('answers 403 to a request for another host name (DNS rebinding), even with the token', async () => {
    // Prepare
    const server = await start();

    // Act
    const response = await send(server.port, `/?token=${TOKEN}`, { host: `attacker.example:${server.port}` });

    // Assess
    expect(response.status).toBe(403);
  });

  it('is read-only: 405 to anything but GET and HEAD', async () => {
    // Prepare
    const server = await start();

    // Act
    const response = await send(server.port, `/api/view?pipeline=ohlc&token=${TOKEN}`, { method: 'POST' });

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('serves the page with a strict Content Security Policy, and ECharts from the installed package', async () => {
    // Prepare
    const server = await start();

    // Act
    const page = await send(server.port, `/?token=${TOKEN}`);
    const echarts = await send(server.port, `/assets/echarts.min.js?token=${TOKEN}`);

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/assets/echarts.min.js?token=${TOKEN}`);
    expect(page.body).toContain('data-pipelines="[&#34;ohlc&#34;]"');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(echarts.status).toBe(200);
    expect(echarts.body).toContain('echarts');
  });

  it('passes the chosen metric, groups and range to the view', async () => {
    // Prepare
    const server = await start();
    const group = encodeURIComponent(JSON.stringify({ symbol: 'ACME' }));

    // Act
    const response = await send(
      server.port,
      `/api/view?pipeline=ohlc&metric=close&range=60&group=${group}&token=${TOKEN}`,
    );

    // Assess
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toStrictEqual({ pipeline: 'ohlc' });
    expect(requests).toStrictEqual([
      { definition: ohlc, metric: 'close', groups: [{ symbol: 'ACME' }], rangeWindows: 60 },
    ]);
  });

  it('passes a rollup range by its id, not as a number of windows', async () => {
    // Prepare
    const server = await start();

    // Act
    const response = await send(server.port, `/api/view?pipeline=ohlc&range=24h&token=${TOKEN}`);

    // Assess
    expect(response.status).toBe(200);
    expect(requests).toStrictEqual([{ definition: ohlc, rollupRange: '24h' }]);
  });

  it.each([
    ['an unknown pipeline', 'pipeline=nope', 404, 'Unknown pipeline "nope" (shown: ohlc)'],
    ['an unknown metric', 'pipeline=ohlc&metric=nope', 400, 'Pipeline ohlc has no metric "nope"'],
    [
      'a range that is no number',
      'pipeline=ohlc&range=all',
      400,
      'range must be a number of windows or one of 24h, 7d (given "all")',
    ],
    [
      'a group that is no JSON object',
      'pipeline=ohlc&group=ACME',
      400,
      'group must be a JSON object of strings (given ACME)',
    ],
    [
      'more groups than a view draws',
      Array.from({ length: 11 }, (_, i) => `group=${encodeURIComponent(JSON.stringify({ symbol: `S${i}` }))}`)
        .join('&')
        .replace(/^/, 'pipeline=ohlc&'),
      400,
      'at most 10 groups per view, each is a Query per refresh (given 11)',
    ],
  ])('refuses %s with %i and says why', async (_, query, status, message) => {
    // Prepare
    const server = await start();

    // Act
    const response = await send(server.port, `/api/view?${query}&token=${TOKEN}`);

    // Assess
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toStrictEqual({ error: message });
  });

  it('says which port is in use', async () => {
    // Prepare
    const server = await start();

    // Act
    const taken = DashboardServer.start({
      pipelines: [ohlc],
      port: server.port,
      loadView: async () => ({}) as DashboardView,
    });

    // Assess
    await expect(taken).rejects.toThrow(DashboardError);
    await expect(taken).rejects.toThrow(`Port ${server.port} is in use`);
  });
});
