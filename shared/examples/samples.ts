/**
 * The sample input of each built-in example pipeline, relative to the project root (`samples/`): small files
 * with a few malformed records on purpose, dated 2026-11-21 (send them with `produce --retime` to make them
 * current, or fold them with `fold --arrival`).
 */
export const EXAMPLE_SAMPLES: ReadonlyMap<string, string> = new Map([
  ['requests-by-ip', 'samples/access.log'],
  ['category-averages', 'samples/csv-rows.csv'],
  ['ohlc', 'samples/trades.ndjson'],
  ['sensor-stats', 'samples/sensors.ndjson'],
]);
