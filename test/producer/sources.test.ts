import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fileLines,
  type LineListener,
  LineSplitter,
  listen,
  untilAborted,
} from '../../shared/producer/index.ts';

const texts = (lines: readonly Buffer[]): string[] => lines.map((line) => line.toString('utf8'));

/** Feeds `input` to a splitter in chunks cut at `cuts`, and returns every line. */
const split = (input: Buffer, cuts: readonly number[], splitter = new LineSplitter()): string[] => {
  const lines: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    lines.push(...splitter.push(input.subarray(start, cut)));
    start = cut;
  }
  lines.push(...splitter.push(input.subarray(start)), ...splitter.end());
  return texts(lines);
};

describe('Class: LineSplitter', () => {
  it('splits LF and CRLF lines, keeps a last line without a break, and skips empty lines', () => {
    // Act
    const lines = split(Buffer.from('a\r\nbb\n\n\r\nccc\nlast'), []);

    // Assess
    expect(lines).toStrictEqual(['a', 'bb', 'ccc', 'last']);
  });

  it('gives the same lines wherever the chunks are cut, CRLF and multi-byte characters included', () => {
    const input = Buffer.from('first line\r\nsecond ü line\n\r\nthird\r\n€ fourth');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: input.length }), { maxLength: 12 }), (cuts) => {
        // Act
        const lines = split(input, cuts);

        // Assess
        expect(lines).toStrictEqual(['first line', 'second ü line', 'third', '€ fourth']);
      }),
    );
  });

  it('drops lines longer than maxLineBytes, reporting their size, without holding them', () => {
    // Prepare
    const oversized: number[] = [];
    const splitter = new LineSplitter({ maxLineBytes: 10, onOversized: (bytes) => oversized.push(bytes) });

    // Act
    const lines = split(Buffer.from(`ok\n${'x'.repeat(25)}\n1234567890\r\nend`), [5, 9, 17], splitter);

    // Assess
    expect(lines).toStrictEqual(['ok', '1234567890', 'end']);
    expect(oversized).toStrictEqual([25]);
  });

  it('keeps empty lines when asked', () => {
    // Act
    const lines = split(Buffer.from('a\n\nb\n'), [], new LineSplitter({ skipEmpty: false }));

    // Assess
    expect(lines).toStrictEqual(['a', '', 'b']);
  });
});

describe('Function: fileLines', () => {
  it('streams the lines of a file', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'streamfold-lines-'));
    const path = join(dir, 'input.log');
    await writeFile(path, 'one\r\ntwo\n\nthree');
    const lines: Buffer[] = [];

    // Act
    for await (const line of fileLines(path)) lines.push(line);

    // Assess
    expect(texts(lines)).toStrictEqual(['one', 'two', 'three']);
    await rm(dir, { recursive: true });
  });

  it('fails on a missing file', async () => {
    // Act
    const read = async () => {
      for await (const _ of fileLines('/nonexistent/streamfold/input.log')) break;
    };

    // Assess
    await expect(read()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('Function: untilAborted', () => {
  it('stops at once when aborted while the source is waiting', async () => {
    // Prepare
    const controller = new AbortController();
    let returned = false;
    const idle: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<string>>(() => undefined),
        return: async () => {
          returned = true;
          return { value: undefined, done: true };
        },
      }),
    };
    const seen: string[] = [];

    // Act
    const reading = (async () => {
      for await (const item of untilAborted(idle, controller.signal)) seen.push(item);
    })();
    controller.abort();
    await reading;

    // Assess
    expect(seen).toStrictEqual([]);
    expect(returned).toBe(true);
  });
});

describe('Function: listen', () => {
  let listener: LineListener | undefined;
  const clients: Socket[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await listener?.close();
    listener = undefined;
  });

  const client = async (port: number): Promise<Socket> => {
    const socket = connect(port, '127.0.0.1');
    clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  };

  /** Writes each chunk as its own packet (waiting for it to be flushed). */
  const send = async (socket: Socket, chunks: readonly (string | Buffer)[]): Promise<void> => {
    for (const chunk of chunks) {
      await new Promise<void>((resolve, reject) =>
        socket.write(chunk, (error) => (error ? reject(error) : resolve())),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const take = async (source: AsyncIterable<Buffer>, n: number): Promise<string[]> => {
    const lines: string[] = [];
    if (n === 0) return lines;
    for await (const line of source) {
      lines.push(line.toString('utf8'));
      if (lines.length === n) break;
    }
    return lines;
  };

  it('turns each line a client sends into a record, whatever the chunks', async () => {
    // Prepare
    listener = await listen('127.0.0.1', 0);
    const socket = await client(listener.port);
    const euro = Buffer.from('€');

    // Act
    await send(socket, [
      '203.0.113.9 - - [21/Nov/2026:08:30:05 +0000] "GET / HT',
      'TP/1.1" 200 1043\r',
      '\nsecond line\n\nthird ',
      Buffer.concat([Buffer.from('line '), euro.subarray(0, 1)]),
      Buffer.concat([euro.subarray(1), Buffer.from('\r\nno final break')]),
    ]);
    socket.end();
    const lines = await take(listener, 4);

    // Assess
    expect(lines).toStrictEqual([
      '203.0.113.9 - - [21/Nov/2026:08:30:05 +0000] "GET / HTTP/1.1" 200 1043',
      'second line',
      'third line €',
      'no final break',
    ]);
  });

  it('reads lines from several clients at once, each client in its own order', async () => {
    // Prepare
    listener = await listen('127.0.0.1', 0);
    const [a, b] = [await client(listener.port), await client(listener.port)];

    // Act
    await send(a as Socket, ['a1\na', '2\n']);
    await send(b as Socket, ['b1\nb2', '\nb3\n']);
    await send(a as Socket, ['a3\n']);
    const lines = await take(listener, 6);

    // Assess
    expect(lines.filter((l) => l.startsWith('a'))).toStrictEqual(['a1', 'a2', 'a3']);
    expect(lines.filter((l) => l.startsWith('b'))).toStrictEqual(['b1', 'b2', 'b3']);
  });

  it('stops cleanly: the iteration ends, clients are disconnected, the port is freed', async () => {
    // Prepare
    const open = await listen('127.0.0.1', 0);
    listener = open;
    const socket = await client(open.port);
    const closedByServer = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await send(socket, ['complete\npartial']);
    const lines: string[] = [];
    const reading = (async () => {
      for await (const line of open) lines.push(line.toString('utf8'));
    })();
    while (lines.length === 0) await new Promise((resolve) => setImmediate(resolve));

    // Act
    await open.close();
    await reading;
    await closedByServer;

    // Assess
    expect(lines).toStrictEqual(['complete']);
    const again = await listen('127.0.0.1', open.port);
    await again.close();
  });

  it('rejects when the port is taken', async () => {
    // Prepare
    listener = await listen('127.0.0.1', 0);

    // Act / Assess
    await expect(listen('127.0.0.1', listener.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
