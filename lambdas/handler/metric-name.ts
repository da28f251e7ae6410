/**
 * The service's CloudWatch metric names (SPEC section 5): what the handler
 * emits and what the stack's dashboard and alarms graph, so both sides share
 * one list. All carry the Powertools `service` dimension; `AnomaliesDetected`
 * also `timeframe`, and `DetectDuration` also `metric`.
 *
 * @example
 * metrics.addMetric(MetricName.FlagsWritten, MetricUnit.Count, 3);
 */
export const MetricName = {
  RecordsProcessed: 'RecordsProcessed',
  RecordsFailed: 'RecordsFailed',
  InvalidMessages: 'InvalidMessages',
  AssetsEvaluated: 'AssetsEvaluated',
  DocumentsRead: 'DocumentsRead',
  AnomaliesDetected: 'AnomaliesDetected',
  FlagsWritten: 'FlagsWritten',
  DataQualityIssues: 'DataQualityIssues',
  ReadDuration: 'ReadDuration',
  DetectDuration: 'DetectDuration',
  WriteDuration: 'WriteDuration',
  /** Chunk requests an all-asset (or oversized) request was fanned out into (SPEC section 8). */
  RequestsFannedOut: 'RequestsFannedOut',
  /** Documents the store refused one by one (their flags field is not an object). */
  FlagsRejected: 'FlagsRejected',
  /** Reads of named assets that found nothing for a reason worth fixing (e.g. times stored as strings). */
  EmptyReads: 'EmptyReads',
  /** Indexes the service relies on that are missing (checked once per execution environment). */
  MissingIndexes: 'MissingIndexes',
  /** Alert events published (new flags that pass the alert policy). */
  AlertsPublished: 'AlertsPublished',
  /** Alert events that could not be published (their record is retried). */
  AlertsFailed: 'AlertsFailed',
} as const;
