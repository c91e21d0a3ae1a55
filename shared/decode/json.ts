import type { Fields } from '../record/types.ts';
import { excerpt } from '../rejection/excerpt.ts';
import type { RejectionReason } from '../rejection/reasons.ts';
import { MAX_JSON_DEPTH } from './constants.ts';
import { DecoderConfigError } from './errors.ts';
import { guardedDecode } from './guardedDecode.ts';
import { nonEmptyLines } from './nonEmptyLines.ts';
import type { DecodeEmitter, FormatDecoder } from './types.ts';

/** Options of {@link json}. */
export interface JsonOptions {
  /**
   * How a payload is split into documents.
   * - `false`: the payload is one JSON document; records and rejections carry line `undefined`.
   * - `true`: NDJSON; every line is one document, with its 0-based line index (even for one line).
   * - `'auto'`: the payload is one document if it parses as one (line `undefined`); otherwise, if it holds
   *   two or more non-empty lines, each line is a document with its 0-based line index.
   *
   * In line mode, empty lines (`''`, or a lone `'\r'` of a CRLF break) are separators and are skipped;
   * a line of only whitespace is rejected as `empty-record`.
   * @default 'auto'
   */
  readonly lines?: 'auto' | boolean;
}

/** Longest parser message kept in a rejection message. */
const MAX_REASON_LENGTH = 200;
/** A JSON text shorter than this cannot nest deeper than {@link MAX_JSON_DEPTH} (each level takes two characters). */
const MIN_TOO_DEEP_LENGTH = 2 * (MAX_JSON_DEPTH + 1);

type Outcome =
  | { readonly ok: true; readonly fields: Fields }
  | { readonly ok: false; readonly reason: RejectionReason; readonly message: string };

const isBlank = (text: string): boolean => text.trim().length === 0;

const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
};

/** True when `value` (an object at depth 1) holds containers nested deeper than `limit`. Recursion stops at `limit`. */
const deeperThan = (value: object, depth: number, limit: number): boolean => {
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (typeof item === 'object' && item !== null && deeperThan(item, depth + 1, limit)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'object' && item !== null && deeperThan(item, depth + 1, limit)) return true;
  }
  return false;
};

const parseFailure = (error: unknown): Outcome => ({
  ok: false,
  reason: 'invalid-json',
  message: `invalid JSON: ${excerpt(error instanceof Error ? error.message : String(error), MAX_REASON_LENGTH)}`,
});

/** Why an already parsed value is not a record (not an object, or too deep), or `undefined` when it is one. */
const problemOf = (value: unknown, text: string): Outcome | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      reason: 'not-an-object',
      message: `top-level JSON value is ${kindOf(value)}, not an object`,
    };
  }
  if (text.length >= MIN_TOO_DEEP_LENGTH && deeperThan(value, 1, MAX_JSON_DEPTH)) {
    return { ok: false, reason: 'json-too-deep', message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return undefined;
};

/** Checks an already parsed value: an object, not too deep. */
const classify = (value: unknown, text: string): Outcome =>
  problemOf(value, text) ?? { ok: true, fields: value as Fields };

const decodeDocument = (text: string): Outcome => {
  if (isBlank(text)) return { ok: false, reason: 'empty-record', message: 'the line is blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return parseFailure(error);
  }
  return classify(value, text);
};

const emitOutcome = (emit: DecodeEmitter, outcome: Outcome, line: number | undefined, text: string): void => {
  if (outcome.ok) emit.record(outcome.fields, line);
  else emit.reject(outcome.reason, outcome.message, line, text);
};

const decodeLines = (
  lines: { readonly texts: string[]; readonly indexes: number[] },
  emit: DecodeEmitter,
): void => {
  for (let i = 0; i < lines.texts.length; i++) {
    const line = lines.texts[i] as string;
    emitOutcome(emit, decodeDocument(line), lines.indexes[i], line);
  }
};

const decodePayload = (text: string, lines: 'auto' | boolean, emit: DecodeEmitter): void => {
  if (isBlank(text)) {
    emit.reject('empty-record', 'the payload is blank', undefined, text);
    return;
  }
  if (lines === true) {
    decodeLines(nonEmptyLines(text), emit);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const split = lines === 'auto' ? nonEmptyLines(text) : undefined;
    if (split !== undefined && split.texts.length > 1) decodeLines(split, emit);
    else emitOutcome(emit, parseFailure(error), undefined, text);
    return;
  }
  // The common case, a record, allocates no outcome.
  const problem = problemOf(value, text);
  if (problem === undefined) emit.record(value as Fields, undefined);
  else emitOutcome(emit, problem, undefined, text);
};

/**
 * A decoder for JSON payloads: one JSON object per payload, or NDJSON (one object per line).
 *
 * Rejections: `empty-record` (blank payload, or a line of only whitespace), `invalid-json` (the message carries
 * the parser's reason), `not-an-object` (an array, string, number, boolean or null at top level) and
 * `json-too-deep` (nested deeper than {@link MAX_JSON_DEPTH}; the top-level object is depth 1).
 * Never throws while decoding: an internal error becomes a `decoder-failure` rejection; errors thrown by the
 * emitter itself propagate.
 *
 * @throws DecoderConfigError when `options.lines` is not `'auto'`, `true` or `false`.
 * @example
 * const decoder = json();
 * decoder.decode('{"ip":"10.0.0.1"}\n{"ip":"10.0.0.2"}\n', {
 *   record: (fields, line) => console.log(line, fields), // 0 { ip: '10.0.0.1' }, then 1 { ip: '10.0.0.2' }
 *   reject: (reason, message, line) => console.warn(reason, message, line),
 * });
 */
export const json = (options: JsonOptions = {}): FormatDecoder => {
  const lines = options.lines ?? 'auto';
  if (lines !== 'auto' && lines !== true && lines !== false) {
    throw new DecoderConfigError(
      `json option "lines" must be 'auto', true or false (given ${JSON.stringify(lines) ?? String(lines)})`,
    );
  }
  const body = (guarded: DecodeEmitter, text: string): void => decodePayload(text, lines, guarded);
  return {
    format: 'json',
    decode(text: string, emit: DecodeEmitter): void {
      guardedDecode('JSON', text, emit, body);
    },
  };
};
