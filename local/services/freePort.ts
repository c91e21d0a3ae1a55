import { connect, createServer } from 'node:net';

/**
 * Asks the operating system for a port that is free right now on `host`.
 *
 * The port is released before this resolves, so another process may take it before you bind it:
 * callers that spawn a server should retry on `EADDRINUSE`.
 *
 * @param host - Interface to probe.
 * @default host '127.0.0.1'
 * @example
 * ```ts
 * const port = await freePort();
 * server.listen(port, '127.0.0.1');
 * ```
 */
export const freePort = (host = '127.0.0.1'): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`No port assigned on ${host}`))));
    });
  });

/**
 * Whether something accepts TCP connections on `port` at `host` right now.
 *
 * @param port - Port to try.
 * @param host - Address to connect to.
 * @default host '127.0.0.1'
 * @example
 * ```ts
 * if (await isPortAnswering(8000)) throw new Error('port 8000 is taken');
 * ```
 */
export const isPortAnswering = (port: number, host = '127.0.0.1'): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (answering: boolean): void => {
      socket.destroy();
      resolve(answering);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
