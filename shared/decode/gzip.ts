import { constants as bufferConstants } from 'node:buffer';
import { gunzipSync } from 'node:zlib';

/** Outcome of {@link gunzipBounded}: the decompressed bytes, or why there are none. */
export type GunzipResult =
  | { readonly ok: true; readonly data: Uint8Array }
  | { readonly ok: false; readonly reason: 'gzip-corrupt' | 'gzip-too-large'; readonly message: string };

/**
 * Whether `data` starts with the gzip magic bytes `1F 8B`. Costs one byte comparison for a plain
 * record. `8B` is a UTF-8 continuation byte, so valid UTF-8 text is never mistaken for gzip.
 *
 * @example
 * isGzip(gzipSync('{"a":1}')); // true
 * isGzip(new TextEncoder().encode('{"a":1}')); // false
 */
export const isGzip = (data: Uint8Array): boolean => data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Decompresses gzip synchronously, stopping as soon as the output would exceed `maxBytes`, so a
 * gzip bomb costs at most about `maxBytes` of memory. Concatenated members are decompressed in
 * order into one output (as `gunzip` does); zero padding after the last member is ignored.
 * Never throws: truncated or corrupt input (bad header, bad CRC, garbage after a member) is
 * `gzip-corrupt`, output past `maxBytes` is `gzip-too-large`.
 *
 * @param maxBytes Largest accepted output, in bytes (e.g. `DecodeLimits.maxDecompressedBytes`).
 * @example
 * const result = gunzipBounded(gzipSync('{"a":1}'), 10_485_760);
 * if (result.ok) new TextDecoder().decode(result.data); // '{"a":1}'
 */
export const gunzipBounded = (data: Uint8Array, maxBytes: number): GunzipResult => {
  // zlib needs a limit in [1, kMaxLength]; a limit of 0 is honoured by the length check below.
  const limit = Number.isFinite(maxBytes)
    ? Math.min(Math.max(1, Math.floor(maxBytes)), bufferConstants.MAX_LENGTH)
    : bufferConstants.MAX_LENGTH;
  let output: Uint8Array;
  try {
    output = gunzipSync(data, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE') {
      return {
        ok: false,
        reason: 'gzip-too-large',
        message: `gzip payload of ${data.length} byte(s) decompresses to more than ${maxBytes} byte(s)`,
      };
    }
    return {
      ok: false,
      reason: 'gzip-corrupt',
      message: `gzip payload of ${data.length} byte(s) does not decompress: ${errorText(error)}`,
    };
  }
  if (output.length > maxBytes) {
    return {
      ok: false,
      reason: 'gzip-too-large',
      message: `gzip payload of ${data.length} byte(s) decompresses to more than ${maxBytes} byte(s)`,
    };
  }
  return { ok: true, data: output };
};
