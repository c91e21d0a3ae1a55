import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { LocalService } from './types.ts';

/** Options of {@link startDynalite}. */
export interface StartDynaliteOptions {
  /**
   * Port to listen on.
   * @default 0 - a free port chosen by the operating system
   */
  readonly port?: number;
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  readonly host?: string;
}

/** The part of dynalite's options this launcher uses (dynalite ships no types). */
interface DynaliteOptions {
  readonly createTableMs: number;
  readonly deleteTableMs: number;
  readonly updateTableMs: number;
}
type Dynalite = (options: DynaliteOptions) => Server;

const require = createRequire(import.meta.url);
/** A server listening on every interface is reached through loopback. */
const WILDCARD_TO_LOOPBACK: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '[::1]' };

/**
 * Starts dynalite (pure-JS DynamoDB on in-memory LevelDB) inside this process. Ready in ~30 ms;
 * tables are ACTIVE as soon as they are created.
 *
 * Missing compared with DynamoDB: TransactWriteItems/TransactGetItems, PartiQL and
 * UpdateTimeToLive (all `UnknownOperationException`), `ReturnValuesOnConditionCheckFailure`
 * (ignored). Use {@link startDynamoDbLocal} when you need those.
 *
 * @example
 * ```ts
 * const dynamo = await startDynalite();
 * const client = dynamoDbClient(dynamo.endpoint);
 * // ... use client ...
 * await dynamo.stop();
 * ```
 */
export const startDynalite = async (options: StartDynaliteOptions = {}): Promise<LocalService> => {
  const host = options.host ?? '127.0.0.1';
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpointHost = WILDCARD_TO_LOOPBACK[host] ?? (host.includes(':') ? `[${host}]` : host);

  let stopped: Promise<void> | undefined;
  return {
    kind: 'dynalite',
    endpoint: `http://${endpointHost}:${port}`,
    port,
    stop: () => {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from SDK clients would otherwise hold the server open.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
};
