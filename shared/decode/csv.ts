import type { Fields, FieldValue } from '../record/types.ts';
import { excerpt } from '../rejection/excerpt.ts';
import { DecoderConfigError } from './errors.ts';
import { guardedDecode } from './guardedDecode.ts';
import type { DecodeEmitter, FormatDecoder } from './types.ts';

/**
 * How a CSV column's text becomes a field value. For every type but `'string'`, an empty field is `null`.
 * - `'string'`: the text as is.
 * - `'number'`: a decimal number such as `-1.5e3` or `.5`; no `12abc`, hex, spaces, `NaN` or `Infinity`.
 * - `'integer'`: digits with an optional sign, within `Number.MAX_SAFE_INTEGER`.
 * - `'boolean'`: `true` or `false`, in any letter case.
 */
export type CsvColumnType = 'string' | 'number' | 'integer' | 'boolean';

/** Options of {@link csv}. */
export interface CsvOptions {
  /**
   * The column names, in the order of the fields in a row. A row whose fields equal these names is a header
   * line and is skipped silently, so payloads with and without a header line both decode.
   * @default - the names come from each payload's header line (`header` must then be true)
   */
  readonly columns?: readonly string[];
  /**
   * Whether the first row of each payload is a header line naming the columns. When `columns` is also given,
   * the header must name exactly those columns (in any order); the header decides the order.
   * @default true when `columns` is absent, false otherwise
   */
  readonly header?: boolean;
  /**
   * The field separator: one character, not a quote or a line break.
   * @default ','
   */
  readonly delimiter?: string;
  /**
   * The type of some columns, by name; other columns are strings.
   * @default - every column is `'string'`
   */
  readonly types?: Readonly<Record<string, CsvColumnType>>;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const MAX_VALUE_IN_MESSAGE = 40;
const COLUMN_TYPES: ReadonlySet<string> = new Set<CsvColumnType>(['string', 'number', 'integer', 'boolean']);
/** Anchored and unambiguous: each digit run is followed by a literal, so a failing match is linear. */
const NUMBER_SYNTAX = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_SYNTAX = /^[+-]?\d+$/;

/** Validated options. */
interface CsvConfig {
  readonly delimiter: number;
  readonly header: boolean;
  readonly columns: readonly string[] | undefined;
  readonly types: Readonly<Record<string, CsvColumnType>>;
  /** Column layout for declared columns without a header line; `undefined` in header mode. */
  readonly layout: Layout | undefined;
}

/** The columns a data row is read against. */
interface Layout {
  readonly names: readonly string[];
  readonly kinds: readonly CsvColumnType[];
  /** A column is named `__proto__`: fields must be defined, not assigned. */
  readonly hasProtoName: boolean;
}

/** The outcome of reading one row; `fields` is undefined when the row has a quoting error. */
interface RowRead {
  readonly fields: string[] | undefined;
  readonly error: string;
  /** Index where the next row starts. */
  readonly next: number;
  /** End of the row's text, its line break excluded. */
  readonly textEnd: number;
  /** Line breaks consumed: inside quoted fields, plus the row's terminator. */
  readonly breaks: number;
}

const show = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

const configError = (option: string, rule: string, value: unknown): DecoderConfigError =>
  new DecoderConfigError(`csv option "${option}" ${rule} (given ${show(value)})`);

const countBreaks = (text: string, from: number, to: number): number => {
  let count = 0;
  let at = text.indexOf('\n', from);
  while (at !== -1 && at < to) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return count;
};

const rowOk = (fields: string[], next: number, textEnd: number, breaks: number): RowRead => ({
  fields,
  error: '',
  next,
  textEnd,
  breaks,
});

/** A quoting error at `at`: the row ends with the physical line that holds the error. */
const rowError = (text: string, at: number, breaks: number, error: string): RowRead => {
  const lineEnd = text.indexOf('\n', at);
  if (lineEnd === -1) return { fields: undefined, error, next: text.length, textEnd: text.length, breaks };
  const textEnd = text.charCodeAt(lineEnd - 1) === CR && lineEnd - 1 >= at ? lineEnd - 1 : lineEnd;
  return { fields: undefined, error, next: lineEnd + 1, textEnd, breaks: breaks + 1 };
};

/** Reads one RFC 4180 row starting at `start` (which is not at a line break). */
const readRow = (text: string, start: number, delimiter: number): RowRead => {
  const length = text.length;
  const fields: string[] = [];
  let breaks = 0;
  let at = start;
  for (;;) {
    if (at < length && text.charCodeAt(at) === QUOTE) {
      // Quoted field: runs to the next quote that is not doubled.
      let value = '';
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) {
          // The field swallows the rest of the payload: so does the rejected row.
          breaks += countBreaks(text, at, length);
          return {
            fields: undefined,
            error: `unterminated quoted field ${fields.length + 1}`,
            next: length,
            textEnd: length,
            breaks,
          };
        }
        if (text.charCodeAt(quote + 1) === QUOTE) {
          value += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        value += text.slice(from, quote);
        breaks += countBreaks(text, at, quote);
        at = quote + 1;
        break;
      }
      fields.push(value);
      if (at >= length) return rowOk(fields, length, length, breaks);
      const next = text.charCodeAt(at);
      if (next === delimiter) {
        at++;
        continue;
      }
      if (next === LF) return rowOk(fields, at + 1, at, breaks + 1);
      if (next === CR) {
        if (at + 1 >= length) return rowOk(fields, length, at, breaks);
        if (text.charCodeAt(at + 1) === LF) return rowOk(fields, at + 2, at, breaks + 1);
      }
      return rowError(text, at, breaks, `stray character after the closing quote of field ${fields.length}`);
    }
    // Unquoted field: runs to the delimiter or the line break; a quote inside it is an error.
    let end = at;
    let code = -1;
    while (end < length) {
      code = text.charCodeAt(end);
      if (code === delimiter || code === LF) break;
      if (code === QUOTE)
        return rowError(text, end, breaks, `stray quote inside unquoted field ${fields.length + 1}`);
      end++;
    }
    if (end < length && code === delimiter) {
      fields.push(text.slice(at, end));
      at = end + 1;
      continue;
    }
    // Line break or end of payload; a CR before it belongs to the break.
    const textEnd = end > at && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    fields.push(text.slice(at, textEnd));
    return end < length
      ? rowOk(fields, end + 1, textEnd, breaks + 1)
      : rowOk(fields, length, textEnd, breaks);
  }
};

const makeLayout = (names: readonly string[], types: Readonly<Record<string, CsvColumnType>>): Layout => ({
  names,
  kinds: names.map((name) => (Object.hasOwn(types, name) ? (types[name] as CsvColumnType) : 'string')),
  hasProtoName: names.includes('__proto__'),
});

const sameFields = (fields: readonly string[], names: readonly string[]): boolean => {
  if (fields.length !== names.length || fields[0] !== names[0]) return false;
  for (let i = 1; i < names.length; i++) if (fields[i] !== names[i]) return false;
  return true;
};

/** The problem with a field list used as column names, or undefined when the names are usable. */
const namesProblem = (names: readonly string[]): string | undefined => {
  const seen = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name === '') return `has an empty column name at position ${i + 1}`;
    if (seen.has(name)) return `has a duplicate column name "${excerpt(name, MAX_VALUE_IN_MESSAGE)}"`;
    seen.add(name);
  }
  return undefined;
};

/** The problem with a payload's header line, or undefined when it can be used. */
const headerProblem = (names: readonly string[], config: CsvConfig): string | undefined => {
  const problem = namesProblem(names);
  if (problem !== undefined) return `header line ${problem}`;
  if (config.columns !== undefined) {
    const declared = config.columns;
    if (names.length !== declared.length || !declared.every((name) => names.includes(name))) {
      return `header line does not name the declared columns ${show(declared)}`;
    }
    return undefined;
  }
  for (const name of Object.keys(config.types)) {
    if (!names.includes(name)) return `header line does not name the typed column "${name}"`;
  }
  return undefined;
};

const typeError = (name: string, value: string, problem: string): string =>
  `column "${excerpt(name, MAX_VALUE_IN_MESSAGE)}": "${excerpt(value, MAX_VALUE_IN_MESSAGE)}" ${problem}`;

/** Converts a row into fields, or returns the `csv-type` message. */
const toFields = (values: readonly string[], layout: Layout): Fields | string => {
  const fields: Record<string, FieldValue> = {};
  const { names, kinds } = layout;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const text = values[i] as string;
    const kind = kinds[i];
    let value: FieldValue;
    if (kind === 'string') {
      value = text;
    } else if (text === '') {
      value = null;
    } else if (kind === 'number') {
      if (!NUMBER_SYNTAX.test(text)) return typeError(name, text, 'is not a number');
      const number = Number(text);
      if (!Number.isFinite(number)) return typeError(name, text, 'is out of the number range');
      value = number === 0 ? 0 : number;
    } else if (kind === 'integer') {
      if (!INTEGER_SYNTAX.test(text)) return typeError(name, text, 'is not an integer');
      const number = Number(text);
      if (!Number.isSafeInteger(number)) return typeError(name, text, 'is outside the safe integer range');
      value = number === 0 ? 0 : number;
    } else {
      const lower = text.length <= 5 ? text.toLowerCase() : '';
      if (lower === 'true') value = true;
      else if (lower === 'false') value = false;
      else return typeError(name, text, 'is not a boolean (true or false)');
    }
    if (layout.hasProtoName && name === '__proto__') {
      Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      fields[name] = value;
    }
  }
  return fields;
};

const isBlank = (text: string): boolean => text.trim().length === 0;

const decodePayload = (text: string, config: CsvConfig, emit: DecodeEmitter): void => {
  if (isBlank(text)) {
    emit.reject('empty-record', 'the payload is blank', undefined, text);
    return;
  }
  const length = text.length;
  let layout = config.layout;
  let headerLine: number | undefined;
  let dataRows = 0;
  let at = 0;
  let line = 0;
  while (at < length) {
    const code = text.charCodeAt(at);
    if (code === LF) {
      at++;
      line++;
      continue;
    }
    if (code === CR && (at + 1 === length || text.charCodeAt(at + 1) === LF)) {
      at += 2;
      line++;
      continue;
    }
    const rowLine = line;
    const rowStart = at;
    const row = readRow(text, at, config.delimiter);
    at = row.next;
    line += row.breaks;
    if (layout === undefined) {
      // Header mode: this first row names the columns.
      const problem =
        row.fields === undefined
          ? `header line has a quoting error: ${row.error}`
          : headerProblem(row.fields, config);
      if (problem !== undefined || row.fields === undefined) {
        emit.reject('csv-no-header', problem ?? row.error, rowLine, text.slice(rowStart, row.textEnd));
        return;
      }
      layout = makeLayout(row.fields, config.types);
      headerLine = rowLine;
      continue;
    }
    if (row.fields === undefined) {
      emit.reject('csv-quote', row.error, rowLine, text.slice(rowStart, row.textEnd));
      dataRows++;
      continue;
    }
    if (sameFields(row.fields, layout.names)) {
      emit.skip(rowLine, 'header');
      continue;
    }
    dataRows++;
    if (row.fields.length !== layout.names.length) {
      emit.reject(
        'csv-column-count',
        `expected ${layout.names.length} fields, got ${row.fields.length}`,
        rowLine,
        text.slice(rowStart, row.textEnd),
      );
      continue;
    }
    const fields = toFields(row.fields, layout);
    if (typeof fields === 'string')
      emit.reject('csv-type', fields, rowLine, text.slice(rowStart, row.textEnd));
    else emit.record(fields, rowLine);
  }
  if (headerLine !== undefined && dataRows === 0) emit.skip(headerLine, 'header');
};

const buildConfig = (options: CsvOptions): CsvConfig => {
  if (typeof options !== 'object' || options === null) {
    throw new DecoderConfigError(`csv options must be an object (given ${show(options)})`);
  }
  const { columns, types = {}, delimiter = ',' } = options;
  if (typeof delimiter !== 'string' || delimiter.length !== 1) {
    throw configError('delimiter', 'must be a single character', delimiter);
  }
  if (delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw configError('delimiter', 'must not be a quote or a line break', delimiter);
  }
  if (columns !== undefined) {
    if (
      !Array.isArray(columns) ||
      columns.length === 0 ||
      !columns.every((name) => typeof name === 'string')
    ) {
      throw configError('columns', 'must be a non-empty array of column names', columns);
    }
    const problem = namesProblem(columns);
    if (problem !== undefined) throw configError('columns', problem, columns);
  }
  const header = options.header ?? columns === undefined;
  if (typeof header !== 'boolean') throw configError('header', 'must be true or false', header);
  if (!header && columns === undefined) {
    throw configError('header', 'is false, so "columns" must be declared', header);
  }
  if (typeof types !== 'object' || types === null || Array.isArray(types)) {
    throw configError('types', 'must be an object of column name to type', types);
  }
  for (const [name, type] of Object.entries(types)) {
    if (!COLUMN_TYPES.has(type)) {
      throw configError(
        'types',
        `gives column "${name}" an unknown type; use string, number, integer or boolean`,
        type,
      );
    }
    if (columns !== undefined && !columns.includes(name)) {
      throw configError('types', `names column "${name}", which is not in "columns" ${show(columns)}`, types);
    }
  }
  return {
    delimiter: delimiter.charCodeAt(0),
    header,
    columns,
    types,
    layout: header || columns === undefined ? undefined : makeLayout(columns, types),
  };
};

/**
 * A decoder for CSV payloads (RFC 4180): quoted fields with embedded delimiters, doubled quotes and line
 * breaks; `\n` or `\r\n` line breaks. Each data row becomes one record whose `line` is the 0-based index of the
 * physical line where the row starts (a header line counts as a line). Empty lines are skipped.
 *
 * Rejections: `csv-quote` (unterminated or stray quote; an unterminated quote takes the rest of the payload
 * with it), `csv-column-count`, `csv-type` (the message names the column and the value), `csv-no-header`
 * (the header line is unusable: quoting error, empty or duplicate name, a typed or declared column missing;
 * the whole payload is rejected) and `empty-record` (blank payload); header lines are reported with `emit.skip`.
 * Never throws while decoding: an internal error becomes a `decoder-failure` rejection; errors thrown by the
 * emitter itself propagate.
 *
 * @throws DecoderConfigError when an option is invalid: a multi-character delimiter, duplicate or empty column
 *   names, `types` naming a column that is not declared or an unknown type, `header: false` without `columns`.
 * @example
 * const decoder = csv({ columns: ['ip', 'status', 'bytes'], types: { status: 'integer', bytes: 'number' } });
 * decoder.decode('ip,status,bytes\n10.0.0.1,200,512\n10.0.0.2,404,\n', {
 *   record: (fields, line) => console.log(line, fields), // 1 { ip: '10.0.0.1', status: 200, bytes: 512 }, ...
 *   reject: (reason, message, line) => console.warn(reason, message, line),
 * });
 */
export const csv = (options: CsvOptions = {}): FormatDecoder => {
  const config = buildConfig(options);
  const body = (guarded: DecodeEmitter, text: string): void => decodePayload(text, config, guarded);
  return {
    format: 'csv',
    fields: {
      names: config.columns,
      numeric: Object.keys(config.types).filter(
        (name) => config.types[name] === 'number' || config.types[name] === 'integer',
      ),
    },
    decode(text: string, emit: DecodeEmitter): void {
      guardedDecode('CSV', text, emit, body);
    },
  };
};
