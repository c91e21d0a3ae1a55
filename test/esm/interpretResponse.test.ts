import { describe, expect, it } from 'vitest';
import { type InvokeResult, interpretResponse } from '../../local/esm/index.ts';

const SEQUENCES = ['100', '200', '300'];
const ok = (response: unknown): InvokeResult => ({ kind: 'ok', response }) as InvokeResult;

describe('Function: interpretResponse', () => {
  it.each([
    ['no response', ok(undefined)],
    ['a null response', ok(null)],
    ['an empty object', ok({})],
    ['null batchItemFailures', ok({ batchItemFailures: null })],
    ['empty batchItemFailures', ok({ batchItemFailures: [] })],
  ])('treats %s as a complete success', (_label, result) => {
    // Act
    const verdict = interpretResponse(result, SEQUENCES, true);

    // Assess
    expect(verdict).toStrictEqual({ kind: 'success' });
  });

  it('resumes from the lowest reported sequence number', () => {
    // Act
    const verdict = interpretResponse(
      ok({ batchItemFailures: [{ itemIdentifier: '300' }, { itemIdentifier: '200' }] }),
      SEQUENCES,
      true,
    );

    // Assess
    expect(verdict).toStrictEqual({ kind: 'partial', index: 1 });
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ itemIdentifer: '200' }] }],
    ['a sequence number outside the batch', { batchItemFailures: [{ itemIdentifier: '999' }] }],
    ['a number instead of a string', { batchItemFailures: [{ itemIdentifier: 200 }] }],
    ['batchItemFailures that is not a list', { batchItemFailures: '200' }],
  ])('fails the whole batch on %s', (_label, response) => {
    // Act
    const verdict = interpretResponse(ok(response), SEQUENCES, true);

    // Assess
    expect(verdict).toMatchObject({ kind: 'failure', functionError: false });
  });

  it('ignores batchItemFailures when ReportBatchItemFailures is off', () => {
    // Act
    const verdict = interpretResponse(
      ok({ batchItemFailures: [{ itemIdentifier: '200' }] }),
      SEQUENCES,
      false,
    );

    // Assess
    expect(verdict).toStrictEqual({ kind: 'success' });
  });

  it.each([
    ['an error', { kind: 'error', error: new TypeError('bad') } as const, 'TypeError: bad'],
    ['a timeout', { kind: 'timeout' } as const, 'Task timed out'],
  ])('fails the whole batch on %s, as a function error', (_label, result, reason) => {
    // Act
    const verdict = interpretResponse(result, SEQUENCES, true);

    // Assess
    expect(verdict).toStrictEqual({ kind: 'failure', reason, functionError: true });
  });
});
