import type { Fields } from '../record/types.ts';
import { excerpt } from '../rejection/excerpt.ts';
import { DecoderConfigError } from './errors.ts';
import { guardedDecode } from './guardedDecode.ts';
import { nonEmptyLines } from './nonEmptyLines.ts';
import type { DecodedFields, DecodeEmitter, FormatDecoder } from './types.ts';

/** Options of {@link accessLog}. */
export interface AccessLogOptions {
  /**
   * Which layout a line must have.
   * - `'common'`: Common Log Format; quoted fields after `bytes` count as extra fields.
   * - `'combined'`: Combined Log Format; `"referer" "user-agent"` must follow `bytes`.
   * - `'auto'`: Combined when a quoted field follows `bytes`, else Common.
   * @default 'auto'
   */
  readonly format?: 'auto' | 'common' | 'combined';
  /**
   * What to do with fields after the Common/Combined part, such as nginx's default `"$http_x_forwarded_for"`.
   * A bare number as the last field is always read as the request time in seconds (nginx `$request_time`).
   * - `'ignore'`: skip them.
   * - `'reject'`: reject the line (`access-log-syntax`).
   * @default 'ignore'
   */
  readonly extraFields?: 'ignore' | 'reject';
}

/** The fields of an access-log record; the numeric ones are numbers (or null), the others text (or null). */
const ACCESS_LOG_FIELDS: DecodedFields = {
  names: [
    'ip',
    'ident',
    'user',
    'time',
    'request',
    'method',
    'path',
    'protocol',
    'status',
    'bytes',
    'referer',
    'userAgent',
    'requestTime',
    'requestTimeMs',
  ],
  numeric: ['status', 'bytes', 'requestTime', 'requestTimeMs'],
};

const QUOTE = 34;
const BACKSLASH = 92;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const MAX_VALUE_IN_MESSAGE = 40;
const MONTHS: ReadonlySet<string> = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);
/** Letters, digits and `. : - _ %` (IPv6 zone) and brackets: an IPv4/IPv6 address or a hostname. */
const HOST_SYNTAX = /^[0-9A-Za-z.:_%[\]-]+$/;
/** An RFC 9110 token. */
const METHOD_SYNTAX = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PROTOCOL_SYNTAX = /^HTTP\/\d+(?:\.\d+)?$/;
const STATUS_SYNTAX = /^\d{3}$/;
const BYTES_SYNTAX = /^\d{1,15}$/;
const SECONDS_SYNTAX = /^\d{1,9}(?:\.\d{1,9})?$/;
const ESCAPE = /\\(["\\])/g;

interface LogLayout {
  readonly format: 'auto' | 'common' | 'combined';
  readonly rejectExtra: boolean;
}

/** Thrown inside the line parser only, to leave it at the first syntax error; caught per line. */
class SyntaxProblem {
  public constructor(public readonly message: string) {}
}

const quoted = (value: string): string => `"${excerpt(value, MAX_VALUE_IN_MESSAGE)}"`;

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** The month abbreviations, as their three character codes packed into one number (ASCII only). */
const MONTH_CODES: ReadonlySet<number> = new Set(
  [...MONTHS].map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2)),
);

/** Whether `text[3..6)` is a month abbreviation; the same as `MONTHS.has(text.slice(3, 6))`, no substring. */
const isMonth = (text: string): boolean => {
  const c0 = text.charCodeAt(3);
  const c1 = text.charCodeAt(4);
  const c2 = text.charCodeAt(5);
  return c0 < 128 && c1 < 128 && c2 < 128 && MONTH_CODES.has((c0 << 16) | (c1 << 8) | c2);
};
/** Positions of the digits in `dd/Mon/yyyy:HH:MM:SS +hhmm`. */
const TIME_DIGITS: readonly number[] = [0, 1, 7, 8, 9, 10, 12, 13, 15, 16, 18, 19, 22, 23, 24, 25];

/** `dd/Mon/yyyy:HH:MM:SS +hhmm`, checked position by position. */
const isClfTime = (text: string): boolean => {
  if (text.length !== 26) return false;
  for (const at of TIME_DIGITS) {
    if (!isDigit(text.charCodeAt(at))) return false;
  }
  const sign = text[21];
  return (
    text[2] === '/' &&
    text[6] === '/' &&
    text[11] === ':' &&
    text[14] === ':' &&
    text[17] === ':' &&
    text[20] === ' ' &&
    (sign === '+' || sign === '-') &&
    isMonth(text)
  );
};

const dashToNull = (value: string): string | null => (value === '-' ? null : value);

/**
 * Reads one access log line, left to right. One instance is reused for every line ({@link reset}): the
 * line parser calls nothing that could parse another line meanwhile.
 */
class LineReader {
  private at = 0;
  private line = '';

  /** Starts reading `line` from its beginning. */
  public reset(line: string): this {
    this.line = line;
    this.at = 0;
    return this;
  }

  public get position(): number {
    return this.at;
  }

  public get done(): boolean {
    return this.at >= this.line.length;
  }

  public get startsQuoted(): boolean {
    return this.line.charCodeAt(this.at) === QUOTE;
  }

  public skipSpaces(): void {
    const { line } = this;
    while (this.at < line.length) {
      const code = line.charCodeAt(this.at);
      if (code !== SPACE && code !== TAB) return;
      this.at++;
    }
  }

  /** The next run of non-space characters; `what` names it in the error when the line ends first. */
  public token(what: string): string {
    this.skipSpaces();
    const { line } = this;
    const start = this.at;
    while (this.at < line.length) {
      const code = line.charCodeAt(this.at);
      if (code === SPACE || code === TAB) break;
      this.at++;
    }
    if (this.at === start) throw new SyntaxProblem(`the line ends before the ${what}`);
    return line.slice(start, this.at);
  }

  /** The `[...]` time, without brackets. */
  public bracketed(what: string): string {
    this.skipSpaces();
    const { line } = this;
    if (this.at >= line.length) throw new SyntaxProblem(`the line ends before the ${what}`);
    if (line[this.at] !== '[') {
      throw new SyntaxProblem(
        `expected "[" before the ${what}, found ${quoted(line.slice(this.at, this.at + 10))}`,
      );
    }
    const close = line.indexOf(']', this.at + 1);
    if (close === -1) throw new SyntaxProblem(`the ${what} has no closing "]"`);
    const value = line.slice(this.at + 1, close);
    this.at = close + 1;
    return value;
  }

  /** A `"..."` field; `\"` and `\\` are unescaped, other backslash sequences (`\x16`) are kept as written. */
  public quoted(what: string): string {
    this.skipSpaces();
    const { line } = this;
    if (this.at >= line.length) throw new SyntaxProblem(`the line ends before the ${what}`);
    if (line.charCodeAt(this.at) !== QUOTE) {
      throw new SyntaxProblem(
        `expected a quote before the ${what}, found ${quoted(line.slice(this.at, this.at + 10))}`,
      );
    }
    const start = this.at + 1;
    let end = start;
    let escaped = false;
    for (;;) {
      if (end >= line.length) throw new SyntaxProblem(`the ${what} has no closing quote`);
      const code = line.charCodeAt(end);
      if (code === QUOTE) break;
      if (code === BACKSLASH) {
        escaped = true;
        end += 2;
      } else {
        end++;
      }
    }
    this.at = end + 1;
    if (!this.done && !this.atSpace()) {
      throw new SyntaxProblem(
        `expected a space after the ${what}, found ${quoted(line.slice(this.at, this.at + 10))}`,
      );
    }
    const value = line.slice(start, end);
    return escaped ? value.replace(ESCAPE, '$1') : value;
  }

  private atSpace(): boolean {
    const code = this.line.charCodeAt(this.at);
    return code === SPACE || code === TAB;
  }
}

interface Request {
  readonly method: string | null;
  readonly path: string | null;
  readonly protocol: string | null;
}

const NO_REQUEST: Request = { method: null, path: null, protocol: null };

/**
 * Splits a request line. `METHOD target HTTP/x.y` gives all three; `METHOD target` (HTTP/0.9, or a target with
 * spaces and no protocol) gives protocol null; anything else (`-`, `""`, TLS bytes sent to an HTTP port) gives
 * all three null; the raw text stays in the `request` field.
 */
const splitRequest = (request: string): Request => {
  const firstSpace = request.indexOf(' ');
  if (firstSpace <= 0) return NO_REQUEST;
  const method = request.slice(0, firstSpace);
  if (!METHOD_SYNTAX.test(method)) return NO_REQUEST;
  const lastSpace = request.lastIndexOf(' ');
  if (lastSpace > firstSpace) {
    const protocol = request.slice(lastSpace + 1);
    if (PROTOCOL_SYNTAX.test(protocol)) {
      const path = request.slice(firstSpace + 1, lastSpace);
      return path === '' ? NO_REQUEST : { method, path, protocol };
    }
  }
  const path = request.slice(firstSpace + 1);
  return path === '' ? NO_REQUEST : { method, path, protocol: null };
};

const lineReader = new LineReader();

const parseLine = (line: string, layout: LogLayout): Fields => {
  const reader = lineReader.reset(line);
  const ip = reader.token('host');
  if (!HOST_SYNTAX.test(ip)) throw new SyntaxProblem(`host ${quoted(ip)} is not an IP address or hostname`);
  const ident = reader.token('ident');
  const user = reader.token('user');
  const time = reader.bracketed('time');
  if (!isClfTime(time)) {
    throw new SyntaxProblem(`time ${quoted(time)} is not a CLF timestamp (dd/Mon/yyyy:HH:MM:SS +hhmm)`);
  }
  const request = reader.quoted('request line');
  const status = reader.token('status');
  if (!STATUS_SYNTAX.test(status)) throw new SyntaxProblem(`status ${quoted(status)} is not a 3-digit code`);
  const bytes = reader.token('bytes');
  if (bytes !== '-' && !BYTES_SYNTAX.test(bytes)) {
    throw new SyntaxProblem(`bytes ${quoted(bytes)} is not a number or "-"`);
  }
  let referer: string | null = null;
  let userAgent: string | null = null;
  reader.skipSpaces();
  if (layout.format !== 'common' && !reader.done && reader.startsQuoted) {
    referer = dashToNull(reader.quoted('referer'));
    userAgent = dashToNull(reader.quoted('user-agent'));
  } else if (layout.format === 'combined') {
    throw new SyntaxProblem('expected "referer" "user-agent" after bytes (Combined Log Format)');
  }
  // Extra fields; a bare number last is the request time.
  let extraStart: number | undefined;
  let lastBare: string | undefined;
  let lastBareStart = 0;
  for (;;) {
    reader.skipSpaces();
    if (reader.done) break;
    if (lastBare !== undefined) extraStart ??= lastBareStart;
    const start = reader.position;
    if (reader.startsQuoted) {
      reader.quoted('extra field');
      extraStart ??= start;
      lastBare = undefined;
    } else {
      lastBare = reader.token('extra field');
      lastBareStart = start;
    }
  }
  let requestTime: number | null = null;
  if (lastBare !== undefined) {
    if (SECONDS_SYNTAX.test(lastBare)) requestTime = Number(lastBare);
    else extraStart ??= lastBareStart;
  }
  if (extraStart !== undefined && layout.rejectExtra) {
    throw new SyntaxProblem(`unexpected text after the log fields: ${quoted(line.slice(extraStart))}`);
  }
  const parts = request === '-' ? NO_REQUEST : splitRequest(request);
  return {
    ip,
    ident: dashToNull(ident),
    user: dashToNull(user),
    time,
    request: dashToNull(request),
    method: parts.method,
    path: parts.path,
    protocol: parts.protocol,
    status: Number(status),
    bytes: bytes === '-' ? null : Number(bytes),
    referer,
    userAgent,
    requestTime,
    requestTimeMs: requestTime === null ? null : Math.round(requestTime * 1_000_000) / 1000,
  };
};

const decodeLine = (text: string, line: number | undefined, layout: LogLayout, emit: DecodeEmitter): void => {
  if (text.trim().length === 0) {
    emit.reject('empty-record', 'the line is blank', line, text);
    return;
  }
  let fields: Fields;
  try {
    fields = parseLine(text, layout);
  } catch (error) {
    if (error instanceof SyntaxProblem) emit.reject('access-log-syntax', error.message, line, text);
    else
      emit.reject(
        'decoder-failure',
        `the access log decoder failed unexpectedly: ${String(error)}`,
        line,
        text,
      );
    return;
  }
  emit.record(fields, line);
};

const decodePayload = (text: string, layout: LogLayout, emit: DecodeEmitter): void => {
  if (text.trim().length === 0) {
    emit.reject('empty-record', 'the payload is blank', undefined, text);
    return;
  }
  if (text.indexOf('\n') === -1) {
    // One line (the common case): what nonEmptyLines would give, without its arrays.
    decodeLine(text.charCodeAt(text.length - 1) === CR ? text.slice(0, -1) : text, undefined, layout, emit);
    return;
  }
  const { texts, indexes } = nonEmptyLines(text);
  if (texts.length === 1) {
    decodeLine(texts[0] as string, undefined, layout, emit);
    return;
  }
  for (let i = 0; i < texts.length; i++) decodeLine(texts[i] as string, indexes[i], layout, emit);
};

/**
 * A decoder for web server access logs in Common or Combined Log Format (Apache `common`/`combined`, nginx
 * `combined`/`main`), one or more lines per payload, with an optional trailing request time in seconds
 * (nginx `$request_time`).
 *
 * Fields: `ip`, `ident`, `user` (null for `-`), `time` (the raw CLF timestamp, e.g. `10/Oct/2000:13:55:36 -0700`),
 * `request` (the raw request line, null for `-`), `method`, `path`, `protocol` (null when the request line is not
 * `METHOD target [HTTP/x.y]`), `status`, `bytes` (null for `-`), `referer`, `userAgent` (null for `-` or in
 * Common Log Format), `requestTime` (seconds) and `requestTimeMs` (milliseconds, rounded to the microsecond).
 *
 * `line` is `undefined` when the payload holds a single non-empty line, else the 0-based line index.
 * Empty lines are skipped. Rejections: `empty-record` (blank payload, or a line of only whitespace) and
 * `access-log-syntax` (the message names the part that failed).
 * Never throws while decoding: an internal error becomes a `decoder-failure` rejection; errors thrown by the
 * emitter itself propagate.
 *
 * @throws DecoderConfigError when `options.format` or `options.extraFields` has an unknown value.
 * @example
 * const decoder = accessLog();
 * decoder.decode('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326', {
 *   record: (fields) => console.log(fields.status, fields.path), // 200 '/apache_pb.gif'
 *   reject: (reason, message) => console.warn(reason, message),
 * });
 */
export const accessLog = (options: AccessLogOptions = {}): FormatDecoder => {
  const { format = 'auto', extraFields = 'ignore' } = options;
  if (format !== 'auto' && format !== 'common' && format !== 'combined') {
    throw new DecoderConfigError(
      `accessLog option "format" must be 'auto', 'common' or 'combined' (given ${JSON.stringify(format)})`,
    );
  }
  if (extraFields !== 'ignore' && extraFields !== 'reject') {
    throw new DecoderConfigError(
      `accessLog option "extraFields" must be 'ignore' or 'reject' (given ${JSON.stringify(extraFields)})`,
    );
  }
  const layout: LogLayout = { format, rejectExtra: extraFields === 'reject' };
  const body = (guarded: DecodeEmitter, text: string): void => decodePayload(text, layout, guarded);
  return {
    format: 'access-log',
    fields: ACCESS_LOG_FIELDS,
    decode(text: string, emit: DecodeEmitter): void {
      guardedDecode('access log', text, emit, body);
    },
  };
};
