import type { DecodeEmitter } from './types.ts';

/**
 * Runs a decoder body so that it can never throw out of a batch: an error thrown while decoding becomes a
 * `decoder-failure` rejection of the payload, while an error thrown by the emitter itself (the caller's)
 * propagates unchanged.
 *
 * @example
 * decode: (text, emit) => guardedDecode('JSON', text, emit, (guarded) => decodePayload(text, guarded)),
 */
export const guardedDecode = (
  decoderName: string,
  text: string,
  emit: DecodeEmitter,
  body: (guarded: DecodeEmitter) => void,
): void => {
  let emitting = false;
  const around =
    <A extends unknown[]>(call: (...args: A) => void) =>
    (...args: A): void => {
      emitting = true;
      call(...args);
      emitting = false;
    };
  const guarded: DecodeEmitter = {
    record: around((fields, line) => emit.record(fields, line)),
    reject: around((reason, message, line, raw) => emit.reject(reason, message, line, raw)),
    skip: around((line, what) => emit.skip(line, what)),
  };
  try {
    body(guarded);
  } catch (error) {
    if (emitting) throw error;
    emit.reject(
      'decoder-failure',
      `the ${decoderName} decoder failed unexpectedly: ${String(error)}`,
      undefined,
      text,
    );
  }
};
