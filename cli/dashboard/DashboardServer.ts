import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { DashboardError, DashboardRequestError } from './errors.ts';
import { dashboardPage } from './page.ts';
import { ROLLUP_RANGES, rollupRangeOf } from './ranges.ts';
import type { DashboardView } from './types.ts';

/** What the server asks for a pipeline's view (see `loadDashboardView`). */
export interface ViewRequest {
  readonly definition: PipelineDefinition;
  readonly metric?: string;
  readonly groups?: readonly Readonly<Record<string, string>>[];
  readonly rangeWindows?: number;
  /** A rollup range's id (`ROLLUP_RANGES`), instead of `rangeWindows`. */
  readonly rollupRange?: string;
}

/** Options of {@link DashboardServer.start}. */
export interface DashboardServerOptions {
  /** The pipelines shown, in order. */
  readonly pipelines: readonly PipelineDefinition[];
  /** Reads one pipeline's view (through the query library). */
  readonly loadView: (request: ViewRequest) => Promise<DashboardView>;
  /**
   * The address to listen on. Loopback keeps the data on this machine.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * The port; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * The secret every request must carry (`?token=`).
   * @default - 24 random bytes, hex
   */
  readonly token?: string;
  /**
   * How often the page asks for new data, ms.
   * @default 2000
   */
  readonly refreshMs?: number;
}

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const require = createRequire(import.meta.url);
/** ECharts' own minified build, served from the installed package: no CDN, works offline. */
const ECHARTS_FILE = join(dirname(require.resolve('echarts')), 'echarts.min.js');

const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/assets/echarts.min.js': { file: ECHARTS_FILE, type: 'text/javascript; charset=utf-8' },
  '/assets/dashboard.js': { file: join(ASSETS_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/dashboard.css': { file: join(ASSETS_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' },
};

/** Headers of every answer: nothing cached, framed or sniffed; scripts only from this server. */
const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
} as const;

const sameSecret = (given: string | null, token: string): boolean => {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Groups one view may draw over time: each costs a Query per refresh (every few seconds, against a
 * deployed table too), so a request may not ask for more than the page can offer (its top-10 list).
 */
export const MAX_VIEW_GROUPS = 10;

const parseGroups = (values: readonly string[]): Readonly<Record<string, string>>[] => {
  if (values.length > MAX_VIEW_GROUPS) {
    throw new DashboardRequestError(
      `at most ${MAX_VIEW_GROUPS} groups per view, each is a Query per refresh (given ${values.length})`,
      400,
    );
  }
  return values.map((text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DashboardRequestError(`group must be a JSON object of strings (given ${text})`, 400, {
        cause: error,
      });
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      !Object.values(parsed).every((v) => typeof v === 'string')
    ) {
      throw new DashboardRequestError(`group must be a JSON object of strings (given ${text})`, 400);
    }
    return parsed as Record<string, string>;
  });
};

/**
 * The web dashboard's HTTP server: a page per set of pipelines, their views as JSON and the page's
 * scripts (ECharts from the installed package), read-only (GET and HEAD only). Every request must
 * carry the token (`?token=…`, as Jupyter does) and name this server in its `Host` header (so another
 * web page cannot reach it through DNS rebinding); otherwise it gets 403. Listens on 127.0.0.1 unless
 * told otherwise.
 *
 * @example
 * const server = await DashboardServer.start({ pipelines, loadView });
 * console.log(server.url); // http://127.0.0.1:41234/?token=…
 * await server.close();
 */
export class DashboardServer {
  private constructor(
    private readonly server: Server,
    private readonly options: DashboardServerOptions,
    public readonly token: string,
    public readonly port: number,
    public readonly host: string,
  ) {}

  /** The page's address, token included. */
  public get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}/?token=${this.token}`;
  }

  /**
   * Starts listening.
   *
   * @throws {DashboardError} when the port is in use or the address cannot be bound.
   */
  public static async start(options: DashboardServerOptions): Promise<DashboardServer> {
    const host = options.host ?? '127.0.0.1';
    const token = options.token ?? randomBytes(24).toString('hex');
    let instance: DashboardServer | undefined;
    const server = createServer((request, response) => {
      void instance?.handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new DashboardError(
            error.code === 'EADDRINUSE'
              ? `Port ${options.port} is in use: choose another with --port, or 0 for a free one`
              : `Cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
            { cause: error },
          ),
        );
      });
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    instance = new DashboardServer(server, options, token, port, host);
    return instance;
  }

  /** Stops listening and ends open connections. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private allowedHost(header: string | undefined): boolean {
    if (header === undefined) return false;
    const names = [this.host, 'localhost', '127.0.0.1', '[::1]'].map((h) =>
      h.includes(':') && !h.startsWith('[') ? `[${h}]` : h,
    );
    return names.some((name) => header === `${name}:${this.port}`);
  }

  private send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
    response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type });
    response.end(body);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://dashboard.invalid');
      if (!this.allowedHost(request.headers.host) || !sameSecret(url.searchParams.get('token'), this.token)) {
        this.send(
          response,
          403,
          'text/plain; charset=utf-8',
          'Forbidden: this dashboard needs the token from its URL\n',
        );
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.setHeader('Allow', 'GET, HEAD');
        this.send(response, 405, 'text/plain; charset=utf-8', 'The dashboard is read-only\n');
        return;
      }
      if (url.pathname === '/') {
        this.send(
          response,
          200,
          'text/html; charset=utf-8',
          dashboardPage({
            pipelines: this.options.pipelines.map((p) => p.name),
            token: this.token,
            refreshMs: this.options.refreshMs ?? 2000,
          }),
        );
        return;
      }
      const asset = ASSETS[url.pathname];
      if (asset !== undefined) {
        this.send(response, 200, asset.type, await readFile(asset.file));
        return;
      }
      if (url.pathname === '/api/view') {
        const name = url.searchParams.get('pipeline');
        const definition = this.options.pipelines.find((p) => p.name === name);
        if (definition === undefined) {
          throw new DashboardRequestError(
            `Unknown pipeline ${JSON.stringify(name)} (shown: ${this.options.pipelines.map((p) => p.name).join(', ')})`,
            404,
          );
        }
        const metric = url.searchParams.get('metric') ?? undefined;
        if (metric !== undefined && !definition.metricNames.includes(metric)) {
          throw new DashboardRequestError(
            `Pipeline ${definition.name} has no metric ${JSON.stringify(metric)}`,
            400,
          );
        }
        const range = url.searchParams.get('range');
        const rollupRange = range === null ? undefined : rollupRangeOf(range);
        if (range !== null && rollupRange === undefined && !/^\d{1,4}$/.test(range)) {
          throw new DashboardRequestError(
            `range must be a number of windows or one of ${ROLLUP_RANGES.map((r) => r.id).join(', ')} (given ${JSON.stringify(range)})`,
            400,
          );
        }
        const groups = url.searchParams.getAll('group');
        const view = await this.options.loadView({
          definition,
          ...(metric !== undefined ? { metric } : {}),
          ...(groups.length > 0 ? { groups: parseGroups(groups) } : {}),
          ...(rollupRange !== undefined ? { rollupRange: rollupRange.id } : {}),
          ...(range !== null && rollupRange === undefined ? { rangeWindows: Number(range) } : {}),
        });
        this.send(response, 200, 'application/json; charset=utf-8', JSON.stringify(view));
        return;
      }
      this.send(response, 404, 'text/plain; charset=utf-8', 'Not found\n');
    } catch (error) {
      const status = error instanceof DashboardRequestError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent)
        this.send(response, status, 'application/json; charset=utf-8', JSON.stringify({ error: message }));
      else response.end();
    }
  }
}
