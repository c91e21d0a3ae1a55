import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { categoryAverages, ohlc, requestsByIp, sensorStats } from '../../shared/examples/index.ts';
import type { PayloadFormat } from '../fold/baselines.ts';
import { accessLogs } from './accessLogs.ts';
import { worstAccessLogs, worstCsvRows, worstSensors, worstTrades } from './adversarial.ts';
import { csvRows } from './csvRows.ts';
import { sensors } from './sensors.ts';
import { trades } from './trades.ts';
import type { BatchGenerator } from './types.ts';

/** An example pipeline with the generators of its realistic and worst-case batches. */
export interface ExampleBatches {
  readonly definition: PipelineDefinition;
  readonly format: PayloadFormat;
  readonly realistic: BatchGenerator;
  /** One group, one window, values that grow every metric state: the largest item. */
  readonly worst: BatchGenerator;
}

/** The four example pipelines of `shared/examples`, with their data. */
export const EXAMPLE_BATCHES: readonly ExampleBatches[] = [
  { definition: requestsByIp, format: 'access-log', realistic: accessLogs, worst: worstAccessLogs },
  { definition: categoryAverages, format: 'csv', realistic: csvRows, worst: worstCsvRows },
  { definition: ohlc, format: 'json', realistic: trades, worst: worstTrades },
  { definition: sensorStats, format: 'json', realistic: sensors, worst: worstSensors },
];
