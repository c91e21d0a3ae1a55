import {
  Agent,
  type ClientRequest,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SeededRandom } from '../../shared/producer/generators/SeededRandom.ts';
import { type DynamoDbErrorResponse, dynamoDbErrorResponse } from './dynamoDbErrorResponse.ts';
import {
  DYNAMODB_FAULT_KINDS,
  DYNAMODB_WRITE_OPERATIONS,
  type DynamoDbFaultKind,
  type DynamoDbFaultProxyStats,
  type DynamoDbFaultRule,
  type OperationStats,
} from './types.ts';

/** Options of {@link DynamoDbFaultProxy.start}. */
export interface DynamoDbFaultProxyOptions {
  /** The DynamoDB endpoint requests are forwarded to, e.g. `dynalite.endpoint` (`http://127.0.0.1:<port>`). */
  readonly target: string;
  /**
   * The fault plan in force from the start (more with {@link DynamoDbFaultProxy.addRule}).
   * @default [] - a transparent proxy
   */
  readonly rules?: readonly DynamoDbFaultRule[];
  /**
   * Seed of the generator that decides probabilistic faults.
   * @default 1
   */
  readonly seed?: number;
  /**
   * Port to listen on (loopback only).
   * @default 0 - a free port
   */
  readonly port?: number;
}

/** A rule in force, with its bookkeeping. */
interface ActiveRule {
  readonly id: number;
  readonly name: string;
  readonly rule: DynamoDbFaultRule;
  readonly operations: ReadonlySet<string> | undefined;
  readonly tables: ReadonlySet<string> | undefined;
  /** `writesApplied` when the rule was added. */
  readonly armedAtWrites: number;
  injected: number;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const WRITES = new Set(DYNAMODB_WRITE_OPERATIONS);

/** The operation named by `X-Amz-Target`, or `unknown`. */
const operationOf = (request: IncomingMessage): string => {
  const target = request.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.startsWith(TARGET_PREFIX) ? value.slice(TARGET_PREFIX.length) : 'unknown';
};

/** Table names a request body mentions: `TableName`, and the keys of `RequestItems` / `TransactItems`. */
const tablesOf = (body: Buffer): string[] => {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      TableName?: unknown;
      RequestItems?: unknown;
      TransactItems?: unknown;
    };
    const tables: string[] = [];
    if (typeof parsed.TableName === 'string') tables.push(parsed.TableName);
    if (typeof parsed.RequestItems === 'object' && parsed.RequestItems !== null)
      tables.push(...Object.keys(parsed.RequestItems));
    if (Array.isArray(parsed.TransactItems)) {
      for (const entry of parsed.TransactItems as unknown[]) {
        for (const action of Object.values((entry ?? {}) as Record<string, unknown>)) {
          const name = (action as { TableName?: unknown } | null)?.TableName;
          if (typeof name === 'string') tables.push(name);
        }
      }
    }
    return tables;
  } catch {
    return [];
  }
};

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const validateRule = (rule: DynamoDbFaultRule): void => {
  if (!DYNAMODB_FAULT_KINDS.includes(rule.fault)) {
    throw new RangeError(
      `Unknown DynamoDB fault "${rule.fault}" (known: ${DYNAMODB_FAULT_KINDS.join(', ')})`,
    );
  }
  const p = rule.probability ?? 1;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`Fault probability must be in [0, 1] (given ${p})`);
  for (const [name, value] of [
    ['count', rule.count],
    ['afterWrites', rule.afterWrites],
  ] as const) {
    if (value !== undefined && !(value >= 0)) {
      throw new RangeError(`Fault rule ${name} must be at least 0 (given ${value})`);
    }
  }
};

/**
 * An HTTP proxy on a free loopback port in front of a DynamoDB endpoint that, following a seeded fault
 * plan, answers some requests with DynamoDB's own errors instead of forwarding them —
 * `ProvisionedThroughputExceededException` and `ThrottlingException` (400), `InternalServerError` (500),
 * `ServiceUnavailable` (503) — or never answers (`hang`: the caller's invocation times out and its worker
 * is killed), or drops the connection (`reset`). Rules select requests by operation (`X-Amz-Target`),
 * table, probability and count, and can be armed only after k writes have been applied ("crash after k
 * writes"); a fault can also be injected *after* the database applied the request (the answer is lost).
 * Give its {@link endpoint} to the code under test (e.g. `LocalRuntime.start({ dynamodbEndpoint })`, which
 * hands it to the handler workers as `DYNAMODB_ENDPOINT`); read what it did with {@link stats}.
 *
 * @example
 * const dynamo = await startDynalite();
 * const proxy = await DynamoDbFaultProxy.start({
 *   target: dynamo.endpoint,
 *   seed: 7,
 *   rules: [{ fault: 'throughput-exceeded', operations: ['PutItem', 'BatchWriteItem'], probability: 0.2 }],
 * });
 * const runtime = await LocalRuntime.start({ pipelines, dynamodbEndpoint: proxy.endpoint });
 * proxy.addRule({ fault: 'hang', operations: ['PutItem'], afterWrites: 5, count: 1 }); // a crash after 5 writes
 * // ... produce, drain ...
 * proxy.stats().byKind.hang; // 1
 * await runtime.stop();
 * await proxy.stop();
 * await dynamo.stop();
 */
export class DynamoDbFaultProxy {
  private readonly rules: ActiveRule[] = [];
  private readonly injectedByRule: Record<string, number> = {};
  private readonly byOperation = new Map<string, { requests: number; injected: number }>();
  private readonly byKind: Record<DynamoDbFaultKind, number> = Object.fromEntries(
    DYNAMODB_FAULT_KINDS.map((kind) => [kind, 0]),
  ) as Record<DynamoDbFaultKind, number>;
  private readonly hung = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private readonly upstream: URL;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly random: SeededRandom;
  private nextRuleId = 1;
  private counters = {
    requests: 0,
    forwarded: 0,
    writesApplied: 0,
    injected: 0,
    injectedAfterApply: 0,
    upstreamErrors: 0,
  };
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    /** The port the proxy listens on (127.0.0.1). */
    public readonly port: number,
    options: DynamoDbFaultProxyOptions,
  ) {
    this.upstream = new URL(options.target);
    this.random = new SeededRandom(options.seed ?? 1);
    for (const rule of options.rules ?? []) this.addRule(rule);
  }

  /** Starts the proxy on 127.0.0.1 and resolves once it listens. */
  public static async start(options: DynamoDbFaultProxyOptions): Promise<DynamoDbFaultProxy> {
    for (const rule of options.rules ?? []) validateRule(rule);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const proxy = new DynamoDbFaultProxy(server, (server.address() as AddressInfo).port, options);
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    server.on('request', (request, response) => {
      proxy.handle(request, response).catch(() => {
        response.destroy();
      });
    });
    return proxy;
  }

  /** Base URL for SDK clients: `http://127.0.0.1:<port>`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Adds a rule to the plan (after the existing ones) and returns its id, for {@link removeRule}.
   * Its `afterWrites` counts from now.
   * @throws RangeError for an unknown fault, a probability outside [0, 1] or a negative count.
   */
  public addRule(rule: DynamoDbFaultRule): number {
    validateRule(rule);
    const id = this.nextRuleId++;
    const name = rule.name ?? `${rule.fault}#${id}`;
    const operations =
      rule.operations === undefined
        ? undefined
        : new Set(rule.operations === 'writes' ? DYNAMODB_WRITE_OPERATIONS : rule.operations);
    this.rules.push({
      id,
      name,
      rule,
      operations,
      tables: rule.tables === undefined ? undefined : new Set(rule.tables),
      armedAtWrites: this.counters.writesApplied,
      injected: 0,
    });
    this.injectedByRule[name] ??= 0;
    return id;
  }

  /** Removes a rule from the plan; true when it was in force. */
  public removeRule(id: number): boolean {
    const index = this.rules.findIndex((r) => r.id === id);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    return true;
  }

  /** Removes every rule: the proxy forwards everything from now on (hung requests stay hung). */
  public clearRules(): void {
    this.rules.length = 0;
  }

  /** Rules in force that can still inject (not used up). */
  public activeRules(): readonly DynamoDbFaultRule[] {
    return this.rules
      .filter((r) => r.injected < (r.rule.count ?? Number.POSITIVE_INFINITY))
      .map((r) => r.rule);
  }

  /** Closes the connection of every hung request (its caller sees a reset). */
  public releaseHangs(): number {
    const count = this.hung.size;
    for (const response of this.hung) response.destroy();
    this.hung.clear();
    return count;
  }

  /** What the proxy saw and injected so far. */
  public stats(): DynamoDbFaultProxyStats {
    const byOperation: Record<string, OperationStats> = {};
    for (const [operation, counts] of [...this.byOperation].sort(([a], [b]) => a.localeCompare(b))) {
      byOperation[operation] = { ...counts };
    }
    return {
      ...this.counters,
      byKind: { ...this.byKind },
      byOperation,
      byRule: { ...this.injectedByRule },
      hanging: this.hung.size,
    };
  }

  /** Stops listening, drops hung requests and every open connection. Safe to call more than once. */
  public stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.releaseHangs();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
      this.agent.destroy();
    });
    return this.stopped;
  }

  private operationCounts(operation: string): { requests: number; injected: number } {
    let counts = this.byOperation.get(operation);
    if (counts === undefined) {
      counts = { requests: 0, injected: 0 };
      this.byOperation.set(operation, counts);
    }
    return counts;
  }

  /** The first rule that matches the request and wins its draw; counts it as injected. */
  private choose(operation: string, body: Buffer): ActiveRule | undefined {
    let tables: string[] | undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (active.injected >= (rule.count ?? Number.POSITIVE_INFINITY)) continue;
      if (active.operations !== undefined && !active.operations.has(operation)) continue;
      if (this.counters.writesApplied - active.armedAtWrites < (rule.afterWrites ?? 0)) continue;
      if (active.tables !== undefined) {
        tables ??= tablesOf(body);
        if (!tables.some((table) => active.tables?.has(table))) continue;
      }
      const probability = rule.probability ?? 1;
      if (probability < 1 && this.random.next() >= probability) continue;
      active.injected += 1;
      this.injectedByRule[active.name] = (this.injectedByRule[active.name] ?? 0) + 1;
      return active;
    }
    return undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const operation = operationOf(request);
    const counts = this.operationCounts(operation);
    counts.requests += 1;
    this.counters.requests += 1;
    const body = await readBody(request);
    const chosen = this.choose(operation, body);
    if (chosen !== undefined) {
      counts.injected += 1;
      this.counters.injected += 1;
      this.byKind[chosen.rule.fault] += 1;
    }
    if (chosen !== undefined && (chosen.rule.phase ?? 'before') === 'before') {
      this.inject(chosen.rule.fault, response);
      return;
    }
    const upstream = await this.forward(request, body).catch(() => undefined);
    if (upstream === undefined) {
      this.counters.upstreamErrors += 1;
      response.destroy();
      return;
    }
    if (WRITES.has(operation) && upstream.status >= 200 && upstream.status < 300) {
      this.counters.writesApplied += 1;
    }
    if (chosen !== undefined) {
      this.counters.injectedAfterApply += 1;
      this.inject(chosen.rule.fault, response);
      return;
    }
    response.writeHead(upstream.status, upstream.headers);
    response.end(upstream.body);
  }

  private inject(fault: DynamoDbFaultKind, response: ServerResponse): void {
    if (fault === 'hang') {
      this.hung.add(response);
      response.on('close', () => this.hung.delete(response));
      return;
    }
    if (fault === 'reset') {
      response.socket?.resetAndDestroy();
      response.destroy();
      return;
    }
    const answer: DynamoDbErrorResponse = dynamoDbErrorResponse(fault);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  /** Sends the request to the database and buffers its answer. */
  private forward(
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    this.counters.forwarded += 1;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive') headers[name] = value;
      }
      headers['content-length'] = String(body.length);
      const outgoing: ClientRequest = httpRequest(
        {
          protocol: this.upstream.protocol,
          hostname: this.upstream.hostname,
          port: this.upstream.port,
          method: request.method,
          path: request.url,
          headers,
          agent: this.agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const answerHeaders: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(answer.headers)) {
              if (
                value !== undefined &&
                name !== 'connection' &&
                name !== 'keep-alive' &&
                name !== 'transfer-encoding'
              )
                answerHeaders[name] = value;
            }
            const data = Buffer.concat(chunks);
            answerHeaders['content-length'] = String(data.length);
            resolve({ status: answer.statusCode ?? 502, headers: answerHeaders, body: data });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
