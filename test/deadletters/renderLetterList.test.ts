import { describe, expect, it } from 'vitest';
import { renderLetterList } from '../../cli/commands/deadLetters.ts';
import { LetterSummary } from '../../shared/deadletters/LetterSummary.ts';
import type { StoredLetter } from '../../shared/deadletters/types.ts';
import { ohlc } from '../../shared/examples/index.ts';

const letter: StoredLetter = {
  pk: 'ohlc#2026-12-06',
  sk: '2026-12-06T08:01:02.345Z#shardId-000000000000#49590338271490256608559692538361571095921575989136000001##',
  kind: 'rejected',
  reason: 'invalid-json',
  message: 'invalid JSON: Unexpected end of JSON input',
  shardId: 'shardId-000000000000',
  sequenceNumber: '49590338271490256608559692538361571095921575989136000001',
  partitionKey: 'ACME',
  arrivedAt: '2026-12-06T08:01:02.345Z',
  recordedAt: '2026-12-06T08:01:03.000Z',
  excerpt: '{"symbol":"ACME",',
};

const render = (limit: number): string => {
  const summary = new LetterSummary(limit);
  summary.add(letter);
  return renderLetterList(ohlc, {
    mode: 'list',
    from: '2026-11-22T08:00:00.000Z',
    to: '2026-12-06T08:00:00.000Z',
    summary,
  });
};

describe('Function: renderLetterList', () => {
  it('lists the newest letters and their keys after the summary', () => {
    // Act
    const text = render(20);

    // Assess
    expect(text).toContain('rejected  invalid-json      1');
    expect(text).toContain('Newest 1:');
    expect(text).toContain(`Keys (for --show <key>):\n  ${letter.sk}`);
  });

  it('prints the summary only with -n 0: no empty list, no empty keys section', () => {
    // Act
    const text = render(0);

    // Assess
    expect(text).toContain('rejected  invalid-json      1');
    expect(text).not.toContain('Newest');
    expect(text).not.toContain('Keys');
  });
});
