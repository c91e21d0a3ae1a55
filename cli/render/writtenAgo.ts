import { formatDuration } from '../../shared/time/duration.ts';

/**
 * When a result was last written, as `08:31:05 (12 s ago)`; '' when unknown.
 *
 * @example
 * writtenAgo('2026-11-21T08:31:05.000Z', Date.parse('2026-11-21T08:31:17Z')); // '08:31:05 (12 s ago)'
 */
export const writtenAgo = (updatedAt: string, nowMs: number): string => {
  const at = Date.parse(updatedAt);
  if (Number.isNaN(at)) return '';
  const seconds = Math.max(0, Math.round((nowMs - at) / 1000));
  const ago = seconds < 120 ? `${seconds} s` : formatDuration(seconds * 1000);
  return `${updatedAt.slice(11, 19)} (${ago} ago)`;
};
