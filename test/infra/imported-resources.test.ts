import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MINIMAL_SETTINGS,
  onlyResource,
  type SynthesizedEnvironment,
  synthEnvironment,
} from './synth-environment.ts';

const VPC_ID = 'vpc-0a1b2c3d4e5f60718';
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'];
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:riskfence/prod/mongodb-AbC123';

const imported = (secret: Record<string, string>) =>
  Object.freeze({
    ...MINIMAL_SETTINGS,
    vpc: {
      mode: 'import',
      vpcId: VPC_ID,
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: SUBNETS,
    },
    mongodb: { secret: { mode: 'import', ...secret } },
  });

// Bundling does not change these templates' properties, so it is skipped to keep the suite fast.
let byName: SynthesizedEnvironment;
let byArn: SynthesizedEnvironment;
beforeAll(() => {
  byName = synthEnvironment('prod', imported({ secretName: 'riskfence/prod/mongodb' }), { bundle: false });
  byArn = synthEnvironment('prod', imported({ secretArn: SECRET_ARN }), { bundle: false });
});
afterAll(() => {
  byName?.cleanup();
  byArn?.cleanup();
});

const variables = (env: SynthesizedEnvironment) =>
  (
    onlyResource(env.template, 'AWS::Lambda::Function').props.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

describe('an environment importing its VPC and MongoDB secret', () => {
  it('creates no network resources and performs no context lookup', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::NatGateway', 'AWS::EC2::FlowLog']) {
      byName.template.resourceCountIs(type, 0);
    }
    expect(byName.assembly.manifest.missing ?? []).toEqual([]);
  });

  it('places the function in the configured private subnets of the imported VPC', () => {
    expect(onlyResource(byName.template, 'AWS::Lambda::Function').props.VpcConfig).toMatchObject({
      SubnetIds: SUBNETS,
    });
    expect(onlyResource(byName.template, 'AWS::EC2::SecurityGroup').props.VpcId).toBe(VPC_ID);
  });

  it('creates no secret and passes the imported secret ARN (not a URI)', () => {
    byName.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    byArn.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(variables(byArn).MONGODB_SECRET_ARN).toBe(SECRET_ARN);
    expect(JSON.stringify(variables(byName).MONGODB_SECRET_ARN)).toContain(':secret:riskfence/prod/mongodb');
  });

  it('grants secret read on the imported secret only (any version suffix when imported by name)', () => {
    const statements = Object.values(byArn.template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const secretStatements = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secretStatements.map((s) => [[s.Action].flat().sort(), s.Resource])).toEqual([
      [['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], SECRET_ARN],
    ]);
    const policies = JSON.stringify(byName.template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':secret:riskfence/prod/mongodb-??????');
  });

  it('retains stateful resources by default and creates no schedule unless configured', () => {
    for (const type of ['AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const resource of Object.values(byName.template.findResources(type)))
        expect(resource.DeletionPolicy).toBe('Retain');
    }
    byName.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    byName.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it.each([
    ['by name', () => byName],
    ['by ARN', () => byArn],
  ])('has no unacknowledged cdk-nag AwsSolutions findings (secret imported %s)', (_how, env) => {
    expect(new AwsSolutionsChecks().validateScope(env().stack).violations).toEqual([]);
    const annotations = Annotations.fromStack(env().stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});
