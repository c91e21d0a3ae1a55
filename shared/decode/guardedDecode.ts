import type { Fields } from '../record/types.ts';
import type { RejectionReason } from '../rejection/reasons.ts';
import type { DecodeEmitter } from './types.ts';

/** Where an idle {@link GuardedEmitter} points, so that it keeps no caller's emitter alive. */
const NO_EMITTER: DecodeEmitter = { record: () => undefined, reject: () => undefined, skip: () => undefined };

/**
 * Forwards to the caller's emitter and remembers whether the error being thrown, if any, came from it.
 * One instance is reused call after call (see {@link guardedDecode}): no closures per payload.
 */
class GuardedEmitter implements DecodeEmitter {
  public emit = NO_EMITTER;
  /** True while a call into `emit` is running: an error thrown then is the caller's. */
  public emitting = false;

  public record(fields: Fields, line: number | undefined): void {
    this.emitting = true;
    this.emit.record(fields, line);
    this.emitting = false;
  }

  public reject(reason: RejectionReason, message: string, line: number | undefined, excerpt: string): void {
    this.emitting = true;
    this.emit.reject(reason, message, line, excerpt);
    this.emitting = false;
  }

  public skip(line: number | undefined, what: 'header'): void {
    this.emitting = true;
    this.emit.skip(line, what);
    this.emitting = false;
  }
}

/** The instance the next {@link guardedDecode} call uses; `undefined` while a call is using it. */
let idle: GuardedEmitter | undefined = new GuardedEmitter();

/**
 * Runs a decoder body so that it can never throw out of a batch: an error thrown while decoding becomes a
 * `decoder-failure` rejection of the payload, while an error thrown by the emitter itself (the caller's)
 * propagates unchanged. `body` receives the guarded emitter and `text`, so a decoder can pass the same
 * function for every payload.
 *
 * @example
 * const body = (guarded, text) => decodePayload(text, options, guarded); // made once per decoder
 * decode: (text, emit) => guardedDecode('JSON', text, emit, body),
 */
export const guardedDecode = (
  decoderName: string,
  text: string,
  emit: DecodeEmitter,
  body: (guarded: DecodeEmitter, text: string) => void,
): void => {
  // An emitter that decodes another payload while handling this one gets an instance of its own.
  const guarded = idle ?? new GuardedEmitter();
  idle = undefined;
  guarded.emit = emit;
  guarded.emitting = false;
  try {
    body(guarded, text);
  } catch (error) {
    if (guarded.emitting) throw error;
    emit.reject(
      'decoder-failure',
      `the ${decoderName} decoder failed unexpectedly: ${String(error)}`,
      undefined,
      text,
    );
  } finally {
    guarded.emit = NO_EMITTER;
    idle = guarded;
  }
};
