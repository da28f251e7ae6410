import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MINIMAL_SETTINGS,
  onlyResource,
  type SynthesizedEnvironment,
  synthEnvironment,
} from './synth-environment.ts';

/** The metric names of SPEC section 5, spelled out so a renamed constant cannot pass unnoticed. */
const SPEC_METRICS = [
  'RecordsProcessed',
  'RecordsFailed',
  'InvalidMessages',
  'AssetsEvaluated',
  'DocumentsRead',
  'AnomaliesDetected',
  'FlagsWritten',
  'DataQualityIssues',
  'ReadDuration',
  'DetectDuration',
  'WriteDuration',
  'RequestsFannedOut',
  'FlagsRejected',
  'EmptyReads',
  'MissingIndexes',
];

/** A created VPC and secret, every optional feature on and non-default values where a default could hide a bug. */
const SETTINGS = Object.freeze({
  ...MINIMAL_SETTINGS,
  removalPolicy: 'destroy',
  vpc: { mode: 'create', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], natGateways: 2 },
  mongodb: { database: 'riskdb', sourceCollection: 'scores', ports: [27017, 27018] },
  detector: { metrics: ['volume', 'market_cap'], timeframes: [3, 14], deviationLimit: 3, minSamples: 4 },
  function: {
    memoryMiB: 1536,
    timeoutSeconds: 45,
    logRetentionDays: 14,
    logLevel: 'WARN',
    recordConcurrency: 4,
  },
  fanOut: { chunkSize: 125 },
  queue: { maxReceiveCount: 3, batchSize: 50, maxBatchingWindowSeconds: 5, maxConcurrency: 7 },
  monitoring: {
    metricsNamespace: 'RiskFenceTest',
    alarmEmail: 'ops@example.com',
    oldestMessageAgeAlarmSeconds: 1200,
  },
  schedule: { expression: 'cron(0 * * * ? *)' },
});

let env: SynthesizedEnvironment;
let template: Template;
let queueId: string;
let dlqId: string;

beforeAll(() => {
  env = synthEnvironment('test', SETTINGS);
  template = env.template;
  const queues = Object.entries(template.findResources('AWS::SQS::Queue'));
  queueId = queues.find(([, q]) => q.Properties.RedrivePolicy !== undefined)![0];
  dlqId = queues.find(([, q]) => q.Properties.RedrivePolicy === undefined)![0];
});
afterAll(() => env?.cleanup());

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const fn = () => onlyResource(template, 'AWS::Lambda::Function').props;

describe('RiskFenceStack queues', () => {
  it('encrypts both queues at rest and denies any request not made over TLS', () => {
    for (const id of [queueId, dlqId]) {
      expect(template.toJSON().Resources[id].Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('sets the visibility timeout to at least 6 x the function timeout (+ batching window)', () => {
    const visibility = template.toJSON().Resources[queueId].Properties.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(6 * 45);
    expect(visibility).toBe(6 * 45 + 5);
  });

  it('keeps dead letters 14 days and redrives after maxReceiveCount receives from config', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 1_209_600,
      RedrivePolicy: Match.absent(),
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: 3 },
    });
  });
});

describe('RiskFenceStack detector function', () => {
  it('runs Node.js 22 or newer on arm64 with active tracing and the configured memory and timeout', () => {
    const props = fn();
    expect(Number(/^nodejs(\d+)\.x$/.exec(String(props.Runtime))?.[1])).toBeGreaterThanOrEqual(22);
    expect(props).toMatchObject({
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 1536,
      Timeout: 45,
      Handler: 'index.handler',
    });
  });

  it('runs in the private subnets (with egress) of the VPC', () => {
    const subnets = template.findResources('AWS::EC2::Subnet');
    const privateIds = Object.entries(subnets)
      .filter(([, s]) =>
        (s.Properties.Tags as { Key: string; Value: string }[]).some(
          (t) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Private',
        ),
      )
      .map(([id]) => ({ Ref: id }));
    expect(privateIds).toHaveLength(3);
    expect((fn().VpcConfig as { SubnetIds: unknown[] }).SubnetIds).toEqual(privateIds);
  });

  it('allows egress only to HTTPS and the configured MongoDB ports', () => {
    const { props } = onlyResource(template, 'AWS::EC2::SecurityGroup');
    const ports = (
      props.SecurityGroupEgress as { IpProtocol: string; FromPort: number; ToPort: number }[]
    ).map((r) => [r.IpProtocol, r.FromPort, r.ToPort]);
    expect(ports.sort()).toEqual([
      ['tcp', 27017, 27017],
      ['tcp', 27018, 27018],
      ['tcp', 443, 443],
    ]);
  });

  it('passes exactly the configured settings as the agreed environment variables, and no URI', () => {
    const variables = (fn().Environment as { Variables: Record<string, unknown> }).Variables;
    const secret = onlyResource(template, 'AWS::SecretsManager::Secret');
    expect(variables).toEqual({
      DLQ_URL: { Ref: dlqId },
      REQUEST_QUEUE_URL: { Ref: queueId },
      FAN_OUT_CHUNK_SIZE: '125',
      RECORD_CONCURRENCY: '4',
      MONGODB_SECRET_ARN: { Ref: secret.id },
      MONGODB_DATABASE: 'riskdb',
      SOURCE_COLLECTION: 'scores',
      RUNS_COLLECTION: 'anomaly_runs',
      ANOMALIES_FIELD: 'anomalies',
      ASSET_FIELD: 'coin_id',
      TIME_FIELD: 'timestamp',
      METRICS: 'volume,market_cap',
      TIMEFRAMES: '3,14',
      QUANTILE_DEVIATION_LIMIT: '3',
      MIN_SAMPLES: '4',
      POWERTOOLS_SERVICE_NAME: 'riskfence',
      POWERTOOLS_METRICS_NAMESPACE: 'RiskFenceTest',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      NODE_OPTIONS: '--enable-source-maps',
    });
    for (const value of Object.values(variables)) {
      expect(JSON.stringify(value)).not.toMatch(/:\/\/|mongodb(\+srv)?:/i);
    }
    expect(variables).not.toHaveProperty('MONGODB_URI');
  });

  it('logs to its own log group with the configured retention', () => {
    const logGroupRef = (fn().LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(template.toJSON().Resources[logGroupRef]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 14 },
    });
  });

  it('bundles locally with esbuild into minified ESM with a source map', () => {
    const assetDirs = readdirSync(env.assembly.directory).filter((d) => d.startsWith('asset.'));
    const bundle = assetDirs
      .map((d) => join(env.assembly.directory, d))
      .find((d) => existsSync(join(d, 'index.mjs')));
    expect(bundle).toBeDefined();
    expect(existsSync(join(bundle!, 'index.mjs.map'))).toBe(true);
    const code = readFileSync(join(bundle!, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    // Minified: long lines, not one statement per line.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it('produces a bundle that Node.js can import, exporting handler (ESM banner and externals work)', () => {
    const bundle = readdirSync(env.assembly.directory)
      .map((d) => join(env.assembly.directory, d))
      .find((d) => existsSync(join(d, 'index.mjs')));
    const variables = (fn().Environment as { Variables: Record<string, unknown> }).Variables;
    const literal = Object.fromEntries(Object.entries(variables).filter(([, v]) => typeof v === 'string'));
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('./index.mjs'); console.log(typeof m.handler);"],
      {
        cwd: bundle,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-1',
          ...literal,
          DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
          MONGODB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongo-AbCdEf',
        },
      },
    );
    expect(result.stderr).not.toMatch(/Cannot find|ERR_/);
    expect(result.stdout.trim()).toBe('function');
  });

  it('grants only: read the secret, send to the DLQ, consume and send to (fan-out) the queue, write traces', () => {
    const roleRef = (fn().Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleRef),
    );
    const grants = new Map<string, string>();
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        expect(statement.Effect).toBe('Allow');
        // One grant per action and resource: minimizePolicies merges statements that share either.
        for (const action of [statement.Action].flat()) {
          for (const resource of [statement.Resource].flat())
            grants.set(`${action} on ${JSON.stringify(resource)}`, action);
        }
      }
    }
    const secretRef = JSON.stringify({ Ref: onlyResource(template, 'AWS::SecretsManager::Secret').id });
    const on = (id: string) => JSON.stringify(arnOf(id));
    expect([...grants.keys()].sort()).toEqual(
      [
        `secretsmanager:GetSecretValue on ${secretRef}`,
        `secretsmanager:DescribeSecret on ${secretRef}`,
        `sqs:SendMessage on ${on(dlqId)}`,
        `sqs:GetQueueAttributes on ${on(dlqId)}`,
        `sqs:GetQueueUrl on ${on(dlqId)}`,
        `sqs:SendMessage on ${on(queueId)}`,
        `sqs:ReceiveMessage on ${on(queueId)}`,
        `sqs:DeleteMessage on ${on(queueId)}`,
        `sqs:ChangeMessageVisibility on ${on(queueId)}`,
        `sqs:GetQueueAttributes on ${on(queueId)}`,
        `sqs:GetQueueUrl on ${on(queueId)}`,
        'xray:PutTraceSegments on "*"',
        'xray:PutTelemetryRecords on "*"',
      ].sort(),
    );
    const role = template.toJSON().Resources[roleRef].Properties;
    expect(JSON.stringify(role.ManagedPolicyArns)).toMatch(
      /AWSLambdaBasicExecutionRole.*AWSLambdaVPCAccessExecutionRole/,
    );
    expect(role.ManagedPolicyArns).toHaveLength(2);
  });

  it('consumes the queue with partial batch failures and the configured batch size, window and concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(queueId),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 7 },
    });
  });
});

describe('RiskFenceStack monitoring', () => {
  const dashboardBody = () =>
    JSON.stringify(onlyResource(template, 'AWS::CloudWatch::Dashboard').props.DashboardBody);

  it.each(SPEC_METRICS)(
    'graphs the handler metric %s in the configured namespace with service=riskfence',
    (name) => {
      const body = dashboardBody();
      // Plain metrics are [namespace, name, "service", "riskfence"]; dimensioned ones are SEARCH expressions.
      const plain = `[\\"RiskFenceTest\\",\\"${name}\\",\\"service\\",\\"riskfence\\"`;
      const search = `{\\\\\\"RiskFenceTest\\\\\\",service,`;
      expect(
        body.includes(plain) || (body.includes(search) && body.includes(`MetricName=\\\\\\"${name}\\\\\\"`)),
      ).toBe(true);
    },
  );

  it('searches AnomaliesDetected by timeframe and DetectDuration by metric', () => {
    const body = dashboardBody();
    expect(body).toContain(
      'service,timeframe} MetricName=\\\\\\"AnomaliesDetected\\\\\\" service=\\\\\\"riskfence\\\\\\"',
    );
    expect(body).toContain(
      'service,metric} MetricName=\\\\\\"DetectDuration\\\\\\" service=\\\\\\"riskfence\\\\\\"',
    );
  });

  it.each([
    ['AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
    ['AWS/SQS', 'ApproximateAgeOfOldestMessage'],
    ['AWS/Lambda', 'Errors'],
    ['AWS/Lambda', 'Throttles'],
    ['AWS/Lambda', 'Duration'],
    ['AWS/Lambda', 'ConcurrentExecutions'],
  ])('graphs %s %s', (namespace, name) => {
    expect(dashboardBody()).toContain(`[\\"${namespace}\\",\\"${name}\\"`);
  });

  const alarmOn = (metric: string, dimension: Record<string, unknown>) => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: metric, Dimensions: [dimension] },
    });
    expect(Object.keys(alarms)).toHaveLength(1);
    return Object.values(alarms)[0]?.Properties;
  };
  const topicRef = () => ({ Ref: onlyResource(template, 'AWS::SNS::Topic').id });

  it('alarms when the DLQ holds at least one message', () => {
    expect(
      alarmOn('ApproximateNumberOfMessagesVisible', {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] },
      }),
    ).toMatchObject({
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topicRef()],
    });
  });

  it('alarms when the oldest request is older than the configured age', () => {
    expect(
      alarmOn('ApproximateAgeOfOldestMessage', {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [queueId, 'QueueName'] },
      }),
    ).toMatchObject({
      Namespace: 'AWS/SQS',
      Threshold: 1200,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topicRef()],
    });
  });

  it('alarms on any function error', () => {
    const fnId = onlyResource(template, 'AWS::Lambda::Function').id;
    expect(alarmOn('Errors', { Name: 'FunctionName', Value: { Ref: fnId } })).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topicRef()],
    });
  });

  it('notifies through a KMS-encrypted, TLS-only topic with the configured email subscription', () => {
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    expect(topic.props.KmsMasterKeyId).toEqual(arnOf(onlyResource(template, 'AWS::KMS::Key').id));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic.id }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topic.id },
    });
  });
});

describe('RiskFenceStack schedule, names and synthesis', () => {
  it('sends the all-assets request {"version":1} to the queue on the configured schedule', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 * * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      Target: { Arn: arnOf(queueId), Input: '{"version":1}' },
    });
  });

  it('outputs what the deploy guide needs', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'DashboardName',
        'DeadLetterQueueArn',
        'DeadLetterQueueUrl',
        'FunctionName',
        'LogGroupName',
        'MongoSecretArn',
        'RequestQueueUrl',
      ].sort(),
    );
    template.hasOutput('RequestQueueUrl', { Value: { Ref: queueId } });
    template.hasOutput('DeadLetterQueueArn', { Value: arnOf(dlqId) });
  });

  it('gives no physical names unless configured', () => {
    for (const [type, key] of [
      ['AWS::SQS::Queue', 'QueueName'],
      ['AWS::Lambda::Function', 'FunctionName'],
      ['AWS::CloudWatch::Dashboard', 'DashboardName'],
      ['AWS::SecretsManager::Secret', 'Name'],
      ['AWS::SNS::Topic', 'TopicName'],
    ] as const) {
      for (const resource of Object.values(template.findResources(type)))
        expect(resource.Properties?.[key]).toBeUndefined();
    }
  });

  it('applies the configured removal policy to queues, secret, log groups and key', () => {
    for (const type of [
      'AWS::SQS::Queue',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
      'AWS::KMS::Key',
    ]) {
      const resources = Object.values(template.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect(resource.DeletionPolicy).toBe('Delete');
    }
  });

  it('creates the configured number of NAT gateways in the configured AZs without any context lookup', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    const azs = Object.values(template.findResources('AWS::EC2::Subnet')).map(
      (s) => s.Properties.AvailabilityZone,
    );
    expect(new Set(azs)).toEqual(new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
    expect(env.assembly.manifest.missing ?? []).toEqual([]);
    expect(env.stack.account).toBe('123456789012');
    expect(env.stack.region).toBe('eu-west-1');
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings and no errors or warnings', () => {
    expect(new AwsSolutionsChecks().validateScope(env.stack).violations).toEqual([]);
    const annotations = Annotations.fromStack(env.stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('reports no unacknowledged violation from any validation plugin (cdk-nag, CloudFormation Validate)', () => {
    const reportFile = join(env.assembly.directory, 'validation-report.json');
    const violations = existsSync(reportFile)
      ? (
          JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: { violations?: unknown[] }[] }
        ).pluginReports.flatMap((r) => r.violations ?? [])
      : [];
    expect(violations).toEqual([]);
  });

  it('gives each of its own acknowledgements a reason', () => {
    const acknowledgements = new Map<string, string>();
    const visit = (node: IConstruct): void => {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          acknowledgements.set(id, reason);
      }
      for (const child of node.node.children) visit(child);
    };
    visit(env.stack);
    const ours = [...acknowledgements].filter(([id]) => /AwsSolutions-|W3010/.test(id));
    expect(ours.map(([id]) => id).sort()).toEqual([
      'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'Annotation::AwsSolutions-IAM5[Resource::*]',
      'Annotation::AwsSolutions-SMG4',
      'CloudFormation-Validate::W3010',
    ]);
    for (const [, reason] of ours) expect(reason.length).toBeGreaterThan(40);
  });
});
