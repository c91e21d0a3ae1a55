import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BatchReport, HandlerTelemetry } from '../../shared/handler/types.ts';

/**
 * Sends the handler's logs to Powertools Logger (structured JSON, no payloads) and its counts to
 * CloudWatch as Embedded Metric Format through Powertools Metrics, dimensioned by pipeline.
 *
 * @example
 * const telemetry = powertoolsTelemetry(new Logger(), new Metrics({ namespace: 'streamfold' }));
 */
export const powertoolsTelemetry = (logger: Logger, metrics: Metrics): HandlerTelemetry => ({
  log: (level, message, data) => {
    const extra = data === undefined ? {} : { ...data };
    if (level === 'debug') logger.debug(message, extra);
    else if (level === 'info') logger.info(message, extra);
    else if (level === 'warn') logger.warn(message, extra);
    else logger.error(message, extra);
  },
  publish: (report: BatchReport) => {
    metrics.addDimension('pipeline', report.pipeline);
    const count = MetricUnit.Count;
    metrics.addMetric('RecordsIn', count, report.recordsIn);
    metrics.addMetric('RecordsFolded', count, report.folded);
    metrics.addMetric('RecordsRejected', count, report.rejected);
    metrics.addMetric('ContributionsTooLarge', count, report.tooLarge);
    metrics.addMetric('RecordsLate', count, report.late);
    metrics.addMetric('RecordsFiltered', count, report.filtered);
    metrics.addMetric('ItemsWritten', count, report.itemsWritten);
    metrics.addMetric('ItemsFailed', count, report.itemsFailed);
    metrics.addMetric('ConditionalConflicts', count, report.conditionalConflicts);
    metrics.addMetric('DeadLettersWritten', count, report.deadLettersWritten);
    metrics.addMetric('WriteUnits', count, report.writeUnits);
    metrics.addMetric('MaxItemBytes', MetricUnit.Bytes, report.maxItemBytes);
    metrics.addMetric('BatchDuration', MetricUnit.Milliseconds, report.durationMs);
    metrics.publishStoredMetrics();
  },
});
