import { createServer, type Socket } from 'node:net';
import { AsyncQueue } from './asyncQueue.ts';
import { LineSplitter, type LineSplitterOptions } from './LineSplitter.ts';

/** Options of {@link listen}. */
export interface ListenOptions extends LineSplitterOptions {
  /**
   * Lines held before every connection is paused until the consumer catches up (backpressure over TCP).
   * @default 10_000
   */
  readonly highWaterLines?: number;
  /**
   * Called when a client connects, with its address (`1.2.3.4:5678`).
   * @default undefined
   */
  readonly onConnection?: (remote: string) => void;
}

/** A TCP listener whose received lines are read as an async iterable. */
export interface LineListener extends AsyncIterable<Buffer> {
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on (the one the system chose, when asked for port 0). */
  readonly port: number;
  /** Clients connected now. */
  readonly connections: number;
  /**
   * Stops: no new connections, open ones are closed (a line they had not finished is dropped), and the
   * iteration ends once the lines already received are read. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` for TCP clients and turns each line any of them sends into one item: the socket
 * receiver of the seed articles (`nc host port < access.log`). Lines may arrive split across packets, with
 * LF or CRLF breaks; a client's last line counts when the client closes the connection, even without a
 * final line break. Resolves once listening; rejects on `EADDRINUSE` and the like.
 *
 * @example
 * const listener = await listen('127.0.0.1', 9000);
 * process.once('SIGINT', () => void listener.close());
 * for await (const line of listener) await producer.put({ data: line });
 */
export const listen = async (
  host: string,
  port: number,
  options: ListenOptions = {},
): Promise<LineListener> => {
  const sockets = new Set<Socket>();
  const queue = new AsyncQueue<Buffer>({
    highWater: options.highWaterLines ?? 10_000,
    onHigh: () => {
      for (const socket of sockets) socket.pause();
    },
    onLow: () => {
      for (const socket of sockets) socket.resume();
    },
  });
  const splitters = new Map<Socket, LineSplitter>();
  let closing = false;

  const server = createServer((socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const splitter = new LineSplitter(options);
    splitters.set(socket, splitter);
    options.onConnection?.(`${socket.remoteAddress}:${socket.remotePort}`);
    socket.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) queue.push(line);
    });
    socket.on('end', () => {
      for (const line of splitter.end()) queue.push(line);
      socket.end();
    });
    socket.on('error', () => {
      // A reset connection loses only its unfinished line; the listener goes on.
      splitter.discard();
    });
    socket.on('close', () => {
      sockets.delete(socket);
      splitters.delete(socket);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      server.close(() => resolve());
      for (const socket of sockets) {
        splitters.get(socket)?.discard();
        socket.destroy();
      }
      queue.end();
    });
    return closed;
  };

  return {
    host,
    port: boundPort,
    get connections() {
      return sockets.size;
    },
    close,
    [Symbol.asyncIterator]: () => {
      const iterator = queue[Symbol.asyncIterator]();
      return {
        next: () => iterator.next(),
        return: async () => {
          await close();
          return { value: undefined, done: true };
        },
      };
    },
  };
};
