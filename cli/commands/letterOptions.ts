import type { Command } from 'commander';
import type { LetterFilter } from '../../shared/deadletters/types.ts';
import { isRejectionReason, REJECTION_REASONS } from '../../shared/rejection/reasons.ts';
import { UsageError } from '../errors.ts';
import { parseTimeOption } from './queryCommon.ts';

/** The letter-selecting options `dead-letters` and `replay` share. */
export interface LetterFilterCliOptions {
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
  readonly kind?: string;
}

/**
 * Adds `--from`, `--to`, `--reason` and `--kind` to a command, worded the same for `dead-letters` and
 * `replay`.
 *
 * @example
 * withLetterFilterOptions(program.command('replay'));
 */
export const withLetterFilterOptions = (command: Command): Command =>
  command
    .option(
      '--from <iso>',
      'records that arrived at or after this ISO 8601 time (default: 14 days before --to)',
    )
    .option('--to <iso>', 'records that arrived before this ISO 8601 time (default: now)')
    .option('--reason <code>', 'only this rejection code (e.g. invalid-json, missing-field) or "late"')
    .option('--kind <kind>', 'only rejected or only late records (rejected|late)');

/**
 * Parses the shared letter options.
 *
 * @throws {UsageError} for a bad time, an unknown reason or kind, or a reason of the other kind, naming the value.
 * @example
 * parseLetterFilter({ reason: 'invalid-json', from: '2026-12-01T00:00Z' });
 */
export const parseLetterFilter = (options: LetterFilterCliOptions): LetterFilter => {
  const fromMs = parseTimeOption('--from', options.from);
  const toMs = parseTimeOption('--to', options.to);
  if (options.reason !== undefined && options.reason !== 'late' && !isRejectionReason(options.reason)) {
    throw new UsageError(
      `--reason must be "late" or a rejection code: ${Object.keys(REJECTION_REASONS).join(', ')} (given "${options.reason}")`,
    );
  }
  if (options.kind !== undefined && options.kind !== 'rejected' && options.kind !== 'late') {
    throw new UsageError(`--kind must be rejected or late (given "${options.kind}")`);
  }
  if (options.reason !== undefined && options.kind !== undefined) {
    const kindOfReason = options.reason === 'late' ? 'late' : 'rejected';
    if (options.kind !== kindOfReason) {
      throw new UsageError(
        `--reason ${options.reason} and --kind ${options.kind} select nothing together: ${options.reason === 'late' ? '"late" is the reason of late letters' : `${options.reason} is a reason of rejected letters`}; give one of them`,
      );
    }
  }
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    throw new UsageError(`--to (${options.to}) must be after --from (${options.from})`);
  }
  return {
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(toMs !== undefined ? { toMs } : {}),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
    ...(options.kind !== undefined ? { kind: options.kind as 'rejected' | 'late' } : {}),
  };
};
