import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DashboardWidget,
  dashboardWidgets,
  MINIMAL_SETTINGS,
  onlyResource,
  type SynthesizedEnvironment,
  synthEnvironment,
} from './synth-environment.ts';

/** Fan-out settings away from their defaults, and an enabled hourly all-asset schedule. */
const SETTINGS = Object.freeze({
  ...MINIMAL_SETTINGS,
  function: { recordConcurrency: 3 },
  queue: { batchSize: 6 },
  fanOut: { chunkSize: 100 },
  monitoring: { metricsNamespace: 'RiskFenceTest' },
  schedule: { expression: 'rate(1 hour)' },
});

let env: SynthesizedEnvironment;
let template: Template;
let queueId: string;
let dlqId: string;

beforeAll(() => {
  // Bundling does not change the template; riskfence-stack.test.ts covers it.
  env = synthEnvironment('fanout', SETTINGS, { bundle: false });
  template = env.template;
  const queues = Object.entries(template.findResources('AWS::SQS::Queue'));
  queueId = queues.find(([, q]) => q.Properties.RedrivePolicy !== undefined)![0];
  dlqId = queues.find(([, q]) => q.Properties.RedrivePolicy === undefined)![0];
});
afterAll(() => env?.cleanup());

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const variablesOf = (t: Template) =>
  (onlyResource(t, 'AWS::Lambda::Function').props.Environment as { Variables: Record<string, unknown> })
    .Variables;

/** Every Allow statement of the function role's policies, actions and resources as lists. */
function functionRoleStatements(t: Template): { actions: string[]; resources: unknown[] }[] {
  const fn = onlyResource(t, 'AWS::Lambda::Function').props;
  const roleId = (fn.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])
    .map((s) => ({ actions: [s.Action].flat() as string[], resources: [s.Resource].flat() }));
}

/** Whether an IAM action pattern (`sqs:*`, `sqs:Send*`, `*`) allows `action`. */
const allows = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

describe('fan-out configuration of the detector function', () => {
  it('passes its own queue as REQUEST_QUEUE_URL and the configured chunk size and record concurrency', () => {
    expect(variablesOf(template)).toMatchObject({
      REQUEST_QUEUE_URL: { Ref: queueId },
      FAN_OUT_CHUNK_SIZE: '100',
      RECORD_CONCURRENCY: '3',
      DLQ_URL: { Ref: dlqId },
    });
  });

  it('may send messages to its own request queue, on exactly that queue ARN', () => {
    const sendsToQueue = functionRoleStatements(template).filter(
      (s) =>
        s.actions.some((a) => allows(a, 'sqs:SendMessage')) &&
        s.resources.some((r) => JSON.stringify(r) === JSON.stringify(arnOf(queueId))),
    );
    expect(sendsToQueue).not.toEqual([]);
    for (const statement of sendsToQueue) {
      expect(statement.actions).toEqual(expect.arrayContaining(['sqs:SendMessage']));
      expect(statement.resources).toContainEqual(arnOf(queueId));
    }
  });

  it('may send messages to no queue but its own and the DLQ (no wildcard action or resource)', () => {
    const sendTargets = functionRoleStatements(template)
      .filter((s) => s.actions.some((a) => allows(a, 'sqs:SendMessage')))
      .flatMap((s) => s.resources.map((r) => JSON.stringify(r)));
    // minimizePolicies may merge the two grants into one statement; its resources stay exactly the two ARNs.
    expect(new Set(sendTargets)).toEqual(
      new Set([JSON.stringify(arnOf(queueId)), JSON.stringify(arnOf(dlqId))]),
    );
    for (const statement of functionRoleStatements(template)) {
      expect(statement.actions.filter((a) => /^sqs:\*$|^sqs:Send\*$|^\*$/.test(a))).toEqual([]);
      if (statement.actions.some((a) => a.startsWith('sqs:'))) expect(statement.resources).not.toContain('*');
    }
  });

  it('consumes its queue with the configured batch size, whose records it runs 3 at a time', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(queueId),
      BatchSize: 6,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('defaults to chunks of 250 assets and 2 records at a time', () => {
    const minimal = synthEnvironment('minimal', MINIMAL_SETTINGS, { bundle: false });
    try {
      expect(variablesOf(minimal.template)).toMatchObject({
        FAN_OUT_CHUNK_SIZE: '250',
        RECORD_CONCURRENCY: '2',
        REQUEST_QUEUE_URL: { Ref: expect.any(String) },
      });
    } finally {
      minimal.cleanup();
    }
  });
});

describe('fan-out and configuration alarms', () => {
  const topicRef = () => ({ Ref: onlyResource(template, 'AWS::SNS::Topic').id });
  const detectorMetric = (name: string) => ({
    Namespace: 'RiskFenceTest',
    MetricName: name,
    Dimensions: [{ Name: 'service', Value: 'riskfence' }],
    Statistic: 'Sum',
  });

  it('alarms on any missing index reported within a day (a person must run mongo-init)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...detectorMetric('MissingIndexes'),
      Period: 86_400,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
      OKActions: [topicRef()],
      AlarmDescription: Match.stringLikeRegexp('mongo-init'),
    });
  });

  it('alarms on any empty read of named assets within an hour (a fixable data or field problem)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...detectorMetric('EmptyReads'),
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  it('alarms when an enabled schedule yields no chunk request for a day, no data counting as breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...detectorMetric('RequestsFannedOut'),
      Period: 86_400,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topicRef()],
    });
  });

  it.each([
    ['no schedule', {}],
    ['a disabled schedule', { schedule: { enabled: false } }],
    ['the fan-out alarm turned off', { schedule: { expression: 'rate(7 days)', fanOutAlarm: false } }],
  ])('has no fan-out alarm with %s, but still the configuration alarms', (_what, patch) => {
    const other = synthEnvironment('other', { ...MINIMAL_SETTINGS, ...patch }, { bundle: false });
    try {
      expect(
        other.template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { MetricName: 'RequestsFannedOut' },
        }),
      ).toEqual({});
      other.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'MissingIndexes' });
      other.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EmptyReads' });
    } finally {
      other.cleanup();
    }
  });
});

describe('fan-out and data-quality dashboard widgets', () => {
  let widgets: DashboardWidget[];
  beforeAll(() => {
    widgets = dashboardWidgets(template);
  });
  const titled = (pattern: RegExp) => {
    const found = widgets.find((w) => pattern.test(w.properties.title ?? ''));
    expect(found, `a widget titled ${pattern}`).toBeDefined();
    return found!;
  };
  /** A plain metric line [namespace, name, "service", "riskfence", {label, stat}]. */
  const line = (name: string, label: unknown) => [
    'RiskFenceTest',
    name,
    'service',
    'riskfence',
    Match.objectLike({ label, stat: 'Sum' }),
  ];
  const expectLines = (widget: DashboardWidget, ...lines: unknown[][]) => {
    const metrics = widget.properties.metrics ?? [];
    for (const expected of lines) {
      expect(
        metrics.some((m) => Match.exact(expected).test(m).isSuccess),
        `${widget.properties.title} graphs ${JSON.stringify(expected.slice(0, 2))}`,
      ).toBe(true);
    }
  };

  it('graphs the chunk requests sent (RequestsFannedOut) in a fan-out widget', () => {
    expectLines(
      titled(/^fan-out/i),
      line('RequestsFannedOut', Match.stringLikeRegexp('chunk requests sent')),
    );
  });

  it('says that AnomaliesDetected counts new flagged values once and FlagsWritten counts documents written', () => {
    const widget = titled(/flagged values/i);
    expect(widget.properties.title).toMatch(/each counted once/);
    expect(widget.properties.title).toMatch(/documents written \(change-only\)/);
    const search = (widget.properties.metrics ?? [])
      .flat()
      .find(
        (m): m is { expression: string; label: string } =>
          typeof m === 'object' && m !== null && 'expression' in m,
      );
    expect(search?.expression).toContain('MetricName="AnomaliesDetected"');
    expect(search?.expression).toContain('{"RiskFenceTest",service,timeframe}');
    expect(search?.label).toContain('AnomaliesDetected: new flagged values (each counted once)');
    // A CloudWatch dynamic label: one line per timeframe, named by its dimension value.
    expect(search?.label).toContain(`$\{PROP('Dim.timeframe')}`);
    expectLines(widget, line('FlagsWritten', 'FlagsWritten: documents written (change-only)'));
  });

  it('graphs FlagsRejected, EmptyReads and MissingIndexes beside DataQualityIssues in a data-quality widget', () => {
    expectLines(
      titled(/data quality/i),
      ...['DataQualityIssues', 'FlagsRejected', 'EmptyReads', 'MissingIndexes'].map((name) =>
        line(name, Match.stringLikeRegexp(`^${name}: `)),
      ),
    );
  });

  it('shows the missing-index, empty-read and fan-out alarms in one alarm status widget', () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) =>
      /MissingIndexes|EmptyReads|FanOut/.test(id),
    );
    const status = widgets.find((w) => w.type === 'alarm');
    expect(new Set(status?.properties.alarms)).toEqual(new Set(alarmIds.map((id) => `<${id}>`)));
  });
});
