import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RecordOutcome } from '../service/process-record.ts';
import { MetricName } from './metric-name.ts';

/**
 * Counts of one invocation, accumulated while records are processed in
 * parallel and emitted once at the end: counters as sums, read and write
 * durations as one value per record, `AnomaliesDetected` (new verdicts,
 * each flagged value counted once, SPEC section 8) per timeframe and
 * `DetectDuration` per metric as sums (no per-asset dimension anywhere).
 *
 * @example
 * const tally = new BatchTally();
 * tally.processed(outcome);
 * tally.emit(metrics);
 */
export class BatchTally {
  recordsProcessed = 0;
  recordsFailed = 0;
  invalidMessages = 0;
  assetsEvaluated = 0;
  documentsRead = 0;
  flagsWritten = 0;
  flagsRejected = 0;
  dataQualityIssues = 0;
  requestsFannedOut = 0;
  emptyReads = 0;
  alertsPublished = 0;
  alertsFailed = 0;
  readonly readMs: number[] = [];
  readonly writeMs: number[] = [];
  readonly anomaliesByTimeframe = new Map<number, number>();
  readonly detectMsByMetric = new Map<string, number>();

  /** Adds a successfully processed record. */
  processed(outcome: RecordOutcome): void {
    this.recordsProcessed++;
    let readMs = 0;
    let writeMs = 0;
    for (const job of outcome.jobs) {
      this.assetsEvaluated += job.assetsEvaluated;
      this.documentsRead += job.documentsRead;
      this.flagsWritten += job.flagsWritten;
      this.flagsRejected += job.flagsRejected;
      this.dataQualityIssues += job.dataQualityIssues;
      this.requestsFannedOut += job.requestsSent;
      this.emptyReads += job.warnings.length;
      this.alertsPublished += job.alertsPublished;
      readMs += job.readMs;
      writeMs += job.writeMs;
      for (const t of job.job.timeframes) {
        this.anomaliesByTimeframe.set(t, (this.anomaliesByTimeframe.get(t) ?? 0) + (job.newFlags[t] ?? 0));
      }
      for (const [metric, ms] of Object.entries(job.detectMs)) {
        this.detectMsByMetric.set(metric, (this.detectMsByMetric.get(metric) ?? 0) + ms);
      }
    }
    this.readMs.push(readMs);
    this.writeMs.push(writeMs);
  }

  /**
   * Adds the invocation's metrics to `metrics` and emits the dimensioned ones
   * as single metrics; the caller publishes `metrics` afterwards.
   */
  emit(metrics: Metrics): void {
    const count = (name: string, value: number) => metrics.addMetric(name, MetricUnit.Count, value);
    count(MetricName.RecordsProcessed, this.recordsProcessed);
    count(MetricName.RecordsFailed, this.recordsFailed);
    count(MetricName.InvalidMessages, this.invalidMessages);
    count(MetricName.AssetsEvaluated, this.assetsEvaluated);
    count(MetricName.DocumentsRead, this.documentsRead);
    count(MetricName.FlagsWritten, this.flagsWritten);
    count(MetricName.FlagsRejected, this.flagsRejected);
    count(MetricName.DataQualityIssues, this.dataQualityIssues);
    count(MetricName.RequestsFannedOut, this.requestsFannedOut);
    count(MetricName.EmptyReads, this.emptyReads);
    count(MetricName.AlertsPublished, this.alertsPublished);
    count(MetricName.AlertsFailed, this.alertsFailed);
    for (const ms of this.readMs) metrics.addMetric(MetricName.ReadDuration, MetricUnit.Milliseconds, ms);
    for (const ms of this.writeMs) metrics.addMetric(MetricName.WriteDuration, MetricUnit.Milliseconds, ms);
    for (const [timeframe, n] of this.anomaliesByTimeframe) {
      const single = metrics.singleMetric();
      single.addDimension('timeframe', String(timeframe));
      single.addMetric(MetricName.AnomaliesDetected, MetricUnit.Count, n);
    }
    for (const [metric, ms] of this.detectMsByMetric) {
      const single = metrics.singleMetric();
      single.addDimension('metric', metric);
      single.addMetric(MetricName.DetectDuration, MetricUnit.Milliseconds, ms);
    }
  }
}
