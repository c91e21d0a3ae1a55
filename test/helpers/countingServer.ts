import { createServer, type Server, type Socket } from 'node:net';

/** A TCP server on a free loopback port that counts connections and never answers. */
export interface CountingServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

/**
 * Starts a server that accepts every connection, reads what is sent and never answers (a hung endpoint);
 * it closes nothing until stopped.
 *
 * @example
 * const hung = await startCountingServer();
 * // … point a client at hung.endpoint …
 * hung.connections(); // 1
 */
export const startCountingServer = async (): Promise<CountingServer> => {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => connections,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
