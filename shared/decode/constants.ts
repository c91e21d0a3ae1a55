import type { DecodeLimits } from './types.ts';

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxRecordBytes: 1_048_576,
  maxDecompressedBytes: 10_485_760,
};

/** JSON nested deeper than this is rejected (`json-too-deep`). */
export const MAX_JSON_DEPTH = 32;
