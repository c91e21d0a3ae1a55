import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { indexUpdateUnits } from '../../bench/dynamo/indexUpdateUnits.ts';
import { ohlc } from '../../shared/examples/index.ts';

/** An ohlc item: ranked by volume and trades, in open-windows while `openPipeline` is set. */
const item = (
  volume: number,
  trades: number,
  options: { open?: boolean; close?: number } = {},
): Record<string, AttributeValue> => ({
  pk: { S: 'ohlc#ACME' },
  sk: { S: '2026-12-01T00:00:00.000Z' },
  windowKey: { S: 'ohlc#2026-12-01T00:00:00.000Z' },
  finalAt: { S: '2026-12-01T00:06:00.000Z' },
  status: { S: options.open === false ? 'final' : 'open' },
  volume: { N: String(volume) },
  trades: { N: String(trades) },
  close: { N: String(options.close ?? 100) },
  state: { B: new Uint8Array(64) },
  ...(options.open === false ? {} : { openPipeline: { S: 'ohlc' } }),
});

describe('Function: indexUpdateUnits', () => {
  it('charges one put per index an item enters on its first write', () => {
    // Act
    const units = indexUpdateUnits(ohlc, undefined, item(10, 1));

    // Assess
    expect(units).toBe(3); // rank-volume, rank-trades, open-windows
  });

  it('charges a delete and a put when an index key changes, nothing for an unchanged keys-only entry', () => {
    // Act
    const units = indexUpdateUnits(ohlc, item(10, 1), item(15, 2));

    // Assess
    expect(units).toBe(4); // rank-volume 2 + rank-trades 2 + open-windows 0
  });

  it('charges one put when only projected attributes change', () => {
    // Act
    const units = indexUpdateUnits(ohlc, item(10, 1, { close: 100 }), item(10, 1, { close: 101 }));

    // Assess
    expect(units).toBe(2); // both rank entries rewritten, open-windows untouched
  });

  it('charges a delete when an item leaves an index (a window becomes final)', () => {
    // Act
    const units = indexUpdateUnits(ohlc, item(10, 1), item(10, 1, { open: false }));

    // Assess
    expect(units).toBe(3); // status is projected into both rank indexes; open-windows entry deleted
  });
});
