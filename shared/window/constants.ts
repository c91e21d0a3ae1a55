/** A record may fall into at most this many hopping windows (size / advance). */
export const MAX_WINDOWS_PER_RECORD = 60;
/** Smallest window size. */
export const MIN_WINDOW_SIZE_MS = 1_000;
