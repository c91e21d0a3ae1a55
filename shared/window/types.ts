/** Window kinds. A tumbling window is a hopping window whose advance equals its size. */
export type WindowKind = 'tumbling' | 'hopping';

/** A validated window specification, all durations in milliseconds. */
export interface WindowSpec {
  readonly kind: WindowKind;
  readonly sizeMs: number;
  /** Distance between window starts; equals `sizeMs` for tumbling windows. */
  readonly advanceMs: number;
  /** How long after a window's end a record (by its arrival time) is still folded into it. */
  readonly allowedLatenessMs: number;
}

/** One concrete window: `[startMs, endMs)`. */
export interface WindowBounds {
  readonly startMs: number;
  readonly endMs: number;
}
