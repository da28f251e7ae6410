import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENVIRONMENTS_CONTEXT_KEY,
  InvalidEnvironmentConfigError,
  parseEnvironmentConfig,
} from '../../lib/config/environment-config.ts';
import type { RiskFenceStack } from '../../lib/riskfence-stack.ts';
import {
  type DashboardWidget,
  dashboardWidgets,
  MINIMAL_SETTINGS,
  onlyResource,
  type SynthesizedEnvironment,
  synthEnvironment,
} from './synth-environment.ts';

/** Alerts on with every setting away from its default, and a notification with an e-mail. */
const ALERTS_ON = Object.freeze({
  ...MINIMAL_SETTINGS,
  detector: { metrics: ['volume', 'latest_price', 'market_cap'] },
  monitoring: { metricsNamespace: 'RiskFenceTest' },
  alerts: {
    enabled: true,
    minScore: 1.5,
    metrics: ['volume', 'latest_price'],
    timeframes: [7, 30],
    notify: { minScore: 3, email: 'risk-team@example.com' },
  },
});

/** Bundling does not change the template; riskfence-stack.test.ts covers it. */
const synth = (name: string, settings: unknown) => synthEnvironment(name, settings, { bundle: false });

const environments: SynthesizedEnvironment[] = [];
let on: SynthesizedEnvironment;
let off: SynthesizedEnvironment;
/** Alerts on with nothing else set: no notification. */
let bare: SynthesizedEnvironment;
/** A notification without e-mail or threshold. */
let notifyAll: SynthesizedEnvironment;
/** Alerts off, the rest of the settings left in place (as an override turning them off leaves them). */
let disabled: SynthesizedEnvironment;

beforeAll(() => {
  on = synth('test', ALERTS_ON);
  off = synth('off', MINIMAL_SETTINGS);
  bare = synth('bare', { ...MINIMAL_SETTINGS, alerts: { enabled: true } });
  notifyAll = synth('all', { ...MINIMAL_SETTINGS, alerts: { enabled: true, notify: {} } });
  disabled = synth('disabled', { ...ALERTS_ON, alerts: { ...ALERTS_ON.alerts, enabled: false } });
  environments.push(on, off, bare, notifyAll, disabled);
});
afterAll(() => {
  for (const env of environments) env.cleanup();
});

/** A token of the stack as it appears in its template (`{ Ref }` or `{ Fn::GetAtt }`). */
const resolved = (env: SynthesizedEnvironment, value: string): unknown => env.stack.resolve(value);
const alertBusOf = (stack: RiskFenceStack) => {
  expect(stack.alertBus).toBeDefined();
  return stack.alertBus!.eventBus;
};
const alertTopicOf = (stack: RiskFenceStack) => {
  expect(stack.alertNotification).toBeDefined();
  return stack.alertNotification!.topic;
};
const variablesOf = (template: Template) =>
  (
    onlyResource(template, 'AWS::Lambda::Function').props.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;
/** Every statement of the template's IAM policies. */
const iamStatements = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
  );
const actionsOf = (s: { Action: string | string[] }) => [s.Action].flat();

describe('alert bus', () => {
  it('creates the custom bus riskfence-<env> when alerts are enabled', () => {
    on.template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'riskfence-test',
      Description: Match.stringLikeRegexp('Anomaly detected'),
    });
    bare.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'riskfence-bare' });
  });

  it('creates no bus, rule or alert topic while alerts are off, even with alert settings left in place', () => {
    for (const env of [off, disabled]) {
      expect(env.template.findResources('AWS::Events::EventBus')).toEqual({});
      expect(
        env.template.findResources('AWS::Events::Rule', { Properties: { EventBusName: Match.anyValue() } }),
      ).toEqual({});
      expect(
        env.template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'riskfence alerts' } }),
      ).toEqual({});
      expect(env.stack.alertBus).toBeUndefined();
    }
  });

  it('takes the configured bus name', () => {
    const named = synth('named', { ...MINIMAL_SETTINGS, alerts: { enabled: true, busName: 'risk-alerts' } });
    try {
      named.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'risk-alerts' });
    } finally {
      named.cleanup();
    }
  });

  it('lets the function events:PutEvents on that bus ARN only', () => {
    const busArn = resolved(on, alertBusOf(on.stack).eventBusArn);
    const eventStatements = iamStatements(on.template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('events:')),
    );
    expect(eventStatements).toEqual([
      expect.objectContaining({ Action: 'events:PutEvents', Effect: 'Allow', Resource: busArn }),
    ]);
    for (const env of [off, disabled]) {
      expect(
        iamStatements(env.template)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('events:')),
      ).toEqual([]);
    }
  });

  it('passes the alert policy and the bus name as the function variables', () => {
    expect(variablesOf(on.template)).toMatchObject({
      ALERTS: 'on',
      ALERT_BUS_NAME: resolved(on, alertBusOf(on.stack).eventBusName),
      ALERT_MIN_SCORE: '1.5',
      ALERT_METRICS: 'volume,latest_price',
      ALERT_TIMEFRAMES: '7,30',
    });
  });

  it('leaves ALERT_METRICS and ALERT_TIMEFRAMES unset (all) and the minimum score at 0 by default', () => {
    const variables = variablesOf(bare.template);
    expect(variables).toMatchObject({ ALERTS: 'on', ALERT_MIN_SCORE: '0' });
    expect(variables).not.toHaveProperty('ALERT_METRICS');
    expect(variables).not.toHaveProperty('ALERT_TIMEFRAMES');
  });

  it('sets no alert variable while alerts are off (the function defaults to off)', () => {
    for (const env of [off, disabled]) {
      expect(Object.keys(variablesOf(env.template)).filter((k) => k.startsWith('ALERT'))).toEqual([]);
    }
  });
});

describe('alert notification', () => {
  it('matches riskfence "Anomaly detected" events on the alert bus scoring at least notify.minScore, or null', () => {
    const stack = on.stack;
    const rules = on.template.findResources('AWS::Events::Rule', {
      Properties: {
        EventBusName: resolved(on, alertBusOf(stack).eventBusName),
        State: 'ENABLED',
        Targets: [
          Match.objectLike({ Arn: resolved(on, alertTopicOf(stack).topicArn), RoleArn: Match.absent() }),
        ],
      },
    });
    // The assertions matchers cannot hold a null, so the pattern is compared as plain JSON.
    expect(Object.values(rules).map((r) => r.Properties.EventPattern)).toEqual([
      {
        source: ['riskfence'],
        'detail-type': ['Anomaly detected'],
        detail: { score: [{ numeric: ['>=', 3] }, null] },
      },
    ]);
  });

  it('forwards every alert when notify sets no minimum score', () => {
    notifyAll.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: resolved(notifyAll, alertBusOf(notifyAll.stack).eventBusName),
      EventPattern: Match.exact({ source: ['riskfence'], 'detail-type': ['Anomaly detected'] }),
    });
  });

  it('creates no rule and no alert topic without notify', () => {
    expect(bare.stack.alertNotification).toBeUndefined();
    expect(
      bare.template.findResources('AWS::Events::Rule', { Properties: { EventBusName: Match.anyValue() } }),
    ).toEqual({});
    expect(
      bare.template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'riskfence alerts' } }),
    ).toEqual({});
  });

  it('encrypts the topic with a rotated customer-managed key that EventBridge may use', () => {
    const topic = alertTopicOf(on.stack);
    const keyArn = resolved(on, topic.masterKey!.keyArn) as { 'Fn::GetAtt': [string, string] };
    on.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'riskfence alerts',
      KmsMasterKeyId: keyArn,
    });
    expect(on.template.toJSON().Resources[keyArn['Fn::GetAtt'][0]]).toMatchObject({
      Type: 'AWS::KMS::Key',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: expect.arrayContaining([
            expect.objectContaining({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      },
    });
  });

  it('denies publishing without TLS and lets only the alert rule publish', () => {
    const topicRef = resolved(on, alertTopicOf(on.stack).topicArn);
    const ruleArn = resolved(on, on.stack.alertNotification!.rule.ruleArn);
    on.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topicRef,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicRef,
            Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
          }),
        ]),
      },
    });
    const policy = Object.values(
      on.template.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [topicRef] } }),
    )[0]!;
    const unconditioned = (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).filter(
      (s) => s.Effect === 'Allow' && s.Condition === undefined,
    );
    expect(unconditioned).toEqual([]);
  });

  it('subscribes the configured e-mail to the alert topic, and nothing without one', () => {
    on.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'risk-team@example.com',
      TopicArn: resolved(on, alertTopicOf(on.stack).topicArn),
    });
    expect(notifyAll.template.findResources('AWS::SNS::Subscription')).toEqual({});
  });
});

describe('alert outputs', () => {
  it('outputs the bus name and ARN, and the alert topic ARN with a notification', () => {
    const bus = alertBusOf(on.stack);
    on.template.hasOutput('AlertBusName', { Value: resolved(on, bus.eventBusName) });
    on.template.hasOutput('AlertBusArn', { Value: resolved(on, bus.eventBusArn) });
    on.template.hasOutput('AlertTopicArn', { Value: resolved(on, alertTopicOf(on.stack).topicArn) });
    bare.template.hasOutput('AlertBusName', { Value: resolved(bare, alertBusOf(bare.stack).eventBusName) });
    expect(Object.keys(bare.template.toJSON().Outputs)).not.toContain('AlertTopicArn');
  });

  it('outputs nothing about alerts while they are off', () => {
    for (const env of [off, disabled]) {
      expect(Object.keys(env.template.toJSON().Outputs).filter((k) => k.startsWith('Alert'))).toEqual([]);
    }
  });
});

describe('alert monitoring', () => {
  const alarmTopicRef = (env: SynthesizedEnvironment) =>
    resolved(env, env.stack.monitoring.alarmTopic.topicArn);

  it('alarms on any alert not published in 5 minutes, notifying the alarm topic', () => {
    on.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RiskFenceTest',
      MetricName: 'AlertsFailed',
      Dimensions: [{ Name: 'service', Value: 'riskfence' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [alarmTopicRef(on)],
      OKActions: [alarmTopicRef(on)],
      AlarmDescription: Match.stringLikeRegexp('ALERTS_FAILED'),
    });
  });

  it('alarms when the alert rule fails to deliver to its topic, on its bus and rule', () => {
    const { alertNotification } = on.stack;
    on.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
      Dimensions: Match.arrayWith([
        { Name: 'EventBusName', Value: resolved(on, alertBusOf(on.stack).eventBusName) },
        { Name: 'RuleName', Value: resolved(on, alertNotification!.rule.ruleName) },
      ]),
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [alarmTopicRef(on)],
    });
    expect(
      bare.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: 'FailedInvocations' },
      }),
    ).toEqual({});
  });

  it('has no failed-alert alarm while alerts are off', () => {
    expect(
      off.template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'AlertsFailed' } }),
    ).toEqual({});
  });

  it('graphs AlertsPublished and AlertsFailed beside the states of both alert alarms', () => {
    const widgets = dashboardWidgets(on.template);
    const graph = widgets.find((w) => /^Alerts: /.test(w.properties.title ?? ''));
    expect(graph).toBeDefined();
    const line = (name: string, label: RegExp) =>
      Match.exact([
        'RiskFenceTest',
        name,
        'service',
        'riskfence',
        Match.objectLike({ stat: 'Sum', label: Match.stringLikeRegexp(label.source) }),
      ]);
    for (const [name, label] of [
      ['AlertsPublished', /^AlertsPublished: alert events published/],
      ['AlertsFailed', /^AlertsFailed: alert events not published/],
    ] as const) {
      expect(
        (graph!.properties.metrics ?? []).some((m) => line(name, label).test(m).isSuccess),
        `the alerts widget graphs ${name}`,
      ).toBe(true);
    }
    const alarmIds = Object.keys(
      on.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: Match.stringLikeRegexp('^(AlertsFailed|FailedInvocations)$') },
      }),
    );
    expect(alarmIds).toHaveLength(2);
    const status = widgets.find(
      (w: DashboardWidget) => w.type === 'alarm' && /^Alert alarms/.test(w.properties.title ?? ''),
    );
    expect(new Set(status?.properties.alarms)).toEqual(new Set(alarmIds.map((id) => `<${id}>`)));
  });

  it('adds no alert widget while alerts are off', () => {
    expect(dashboardWidgets(off.template).filter((w) => /alert/i.test(w.properties.title ?? ''))).toEqual([]);
  });
});

describe('alert stacks and cdk-nag', () => {
  it.each([
    ['alerts with a notification and e-mail', () => on],
    ['alerts without a notification', () => bare],
  ])('has no unacknowledged cdk-nag AwsSolutions findings (%s)', (_what, env) => {
    expect(new AwsSolutionsChecks().validateScope(env().stack).violations).toEqual([]);
    const annotations = Annotations.fromStack(env().stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('alerts configuration', () => {
  const settingsWith = (alerts: unknown, patch: Record<string, unknown> = {}) =>
    Object.freeze({ ...MINIMAL_SETTINGS, ...patch, alerts });

  it('is off by default, with minimum score 0, all metrics and timeframes, and no notification', () => {
    expect(parseEnvironmentConfig('dev', MINIMAL_SETTINGS).alerts).toEqual({ enabled: false, minScore: 0 });
    expect(parseEnvironmentConfig('dev', settingsWith({ enabled: true, notify: {} })).alerts).toEqual({
      enabled: true,
      minScore: 0,
      notify: {},
    });
  });

  it.each([
    [
      'the e-mail directly under alerts (it belongs to notify)',
      { enabled: true, email: 'risk@example.com' },
      'alerts',
      'email',
    ],
    ['a negative minimum score', { enabled: true, minScore: -1 }, 'alerts.minScore', '>=0'],
    ['a minimum score that is not a number', { enabled: true, minScore: '2' }, 'alerts.minScore', 'number'],
    [
      'a metric the detector does not compute',
      { enabled: true, metrics: ['volume', 'price'] },
      'alerts.metrics',
      'subset of detector.metrics',
    ],
    ['an empty metric list', { enabled: true, metrics: [] }, 'alerts.metrics', '>=1'],
    ['fractional timeframes', { enabled: true, timeframes: [1.5] }, 'alerts.timeframes', 'whole days'],
    ['duplicate timeframes', { enabled: true, timeframes: [7, 7] }, 'alerts.timeframes', 'duplicates'],
    [
      'an invalid notification e-mail',
      { enabled: true, notify: { email: 'risk-team' } },
      'alerts.notify.email',
      'email',
    ],
    [
      'a notification threshold beyond EventBridge numeric matching',
      { enabled: true, notify: { minScore: 6e9 } },
      'alerts.notify.minScore',
      '<=5000000000',
    ],
    [
      'a bus name EventBridge would refuse',
      { enabled: true, busName: 'risk alerts' },
      'alerts.busName',
      '1-80',
    ],
  ])('rejects %s, naming the key path', (_what, alerts, path, message) => {
    let error: unknown;
    try {
      parseEnvironmentConfig('staging', settingsWith(alerts));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentConfigError);
    const text = (error as Error).message;
    expect(text).toContain(`"${ENVIRONMENTS_CONTEXT_KEY}.staging"`);
    expect(text).toContain(`at ${path}`);
    expect(text).toContain(message);
  });

  it('accepts alert timeframes beyond detector.timeframes (a request may name other windows)', () => {
    const config = parseEnvironmentConfig(
      'dev',
      settingsWith({ enabled: true, timeframes: [14] }, { detector: { timeframes: [3, 7, 30] } }),
    );
    expect(config.alerts.timeframes).toEqual([14]);
  });
});
