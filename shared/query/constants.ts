/** Time range of {@link queryWindows} when none is given: the last hour. */
export const DEFAULT_QUERY_RANGE_MS = 3_600_000;

/** At most this many windows are queried one by one when no complete group is given (a day of minutes). */
export const DEFAULT_MAX_WINDOWS = 1_440;

/** Queries in flight at once when a range is read window by window. */
export const DEFAULT_QUERY_CONCURRENCY = 8;

/** How many windows back from now {@link latestWindow} looks for data (an hour of one-minute windows). */
export const DEFAULT_SEARCH_WINDOWS = 60;

/** Windows probed at once by {@link latestWindow}, newest first. */
export const DEFAULT_SEARCH_CONCURRENCY = 4;

/** Groups returned by {@link topGroups} when no limit is given. */
export const DEFAULT_TOP_LIMIT = 10;

/** Time a whole query operation may take, retries included. */
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;
