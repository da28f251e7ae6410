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
} as const;
