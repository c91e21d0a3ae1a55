import type { RejectionReason } from '../rejection/reasons.ts';

/** Why a record cannot contribute to a metric; it makes the fold reject the record. */
export class MetricProblem {
  public constructor(
    public readonly reason: Extract<
      RejectionReason,
      'missing-field' | 'invalid-field-type' | 'invalid-number'
    >,
    public readonly message: string,
  ) {}
}
