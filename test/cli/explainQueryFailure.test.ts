import { describe, expect, it } from 'vitest';
import { explainQueryFailure, TableCommandError } from '../../cli/commands/queryCommon.ts';
import { UsageError } from '../../cli/errors.ts';
import { LetterFilterError, LetterNotFoundError } from '../../shared/deadletters/errors.ts';

/** The one explanation of table-command failures, as dead-letters, replay and redrive use it too. */
describe('Function: explainQueryFailure (commands over a pipeline’s tables)', () => {
  it('makes a bad letter key or range a usage error', () => {
    // Act
    const explained = explainQueryFailure(new LetterFilterError('"x" is not a dead letter’s sort key'), {
      tableName: 'dead-letters',
    });

    // Assess
    expect(explained).toBeInstanceOf(UsageError);
    expect((explained as Error).message).toBe('"x" is not a dead letter’s sort key');
  });

  it('names every table the command uses when DynamoDB says one is missing', () => {
    // Prepare
    const missing = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
    });

    // Act
    const explained = explainQueryFailure(missing, {
      tableName: ['streamfold-ohlc-results', 'streamfold-ohlc-dead-letters'],
      endpoint: 'http://127.0.0.1:8000',
    });

    // Assess
    expect(explained).toBeInstanceOf(TableCommandError);
    expect((explained as Error).message).toBe(
      'Table "streamfold-ohlc-results" or "streamfold-ohlc-dead-letters" does not exist at http://127.0.0.1:8000: deploy the pipeline (cdk deploy) or run `streamfold dev` for a local stack, or name the tables with the command\'s table options',
    );
    expect((explained as Error).cause).toBe(missing);
  });

  it('returns a missing letter as it is', () => {
    // Prepare
    const notFound = new LetterNotFoundError('No dead letter of ohlc has the key k');

    // Act & Assess
    expect(explainQueryFailure(notFound, { tableName: 'dead-letters' })).toBe(notFound);
  });
});
