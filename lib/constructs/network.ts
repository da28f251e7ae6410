import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  IpAddresses,
  type IVpc,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** A VPC the stack creates: public subnets for the NAT gateways, private subnets with egress for the function. */
export interface CreatedVpcSettings {
  readonly mode: 'create';
  /** AZs to span, explicit so that synth performs no `availability-zones` lookup. */
  readonly availabilityZones: readonly string[];
  /**
   * NAT gateways (the function's only route to MongoDB Atlas and AWS APIs); fewer than the AZs saves money
   * at the cost of cross-AZ traffic and a single point of failure.
   * @default 1
   */
  readonly natGateways?: number;
  /** @default '10.0.0.0/16' */
  readonly cidr?: string;
}

/** An existing VPC, described in full so that synth performs no `Vpc.fromLookup`. */
export interface ImportedVpcSettings {
  readonly mode: 'import';
  readonly vpcId: string;
  readonly availabilityZones: readonly string[];
  /** Private subnets that have egress (NAT or equivalent), one per AZ, same order as `availabilityZones`. */
  readonly privateSubnetIds: readonly string[];
}

/** Properties of {@link Network}. */
export interface NetworkProps {
  /** Create a VPC or import one. */
  readonly vpc: CreatedVpcSettings | ImportedVpcSettings;
  /**
   * Retention of the created VPC's flow log (rejected traffic only); ignored for imported VPCs, whose owner
   * decides on flow logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The VPC the detector function runs in, and the subnets it uses (private, with egress).
 *
 * Neither mode needs AWS credentials or context lookups at synth time.
 *
 * @example
 * const network = new Network(this, 'Network', { vpc: { mode: 'create', availabilityZones: ['eu-west-1a'] } });
 * new Function(this, 'Fn', { vpc: network.vpc, vpcSubnets: network.privateSubnets, ... });
 */
export class Network extends Construct {
  /** The created or imported VPC. */
  readonly vpc: IVpc;
  /** The private subnets with egress. */
  readonly privateSubnets: SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const settings = props.vpc;
    if (settings.mode === 'import') {
      this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: settings.vpcId,
        availabilityZones: [...settings.availabilityZones],
        privateSubnetIds: [...settings.privateSubnetIds],
      });
      Validations.of(this).acknowledge({
        id: '@aws-cdk/aws-ec2:noSubnetRouteTableId',
        reason:
          'Only the subnet ids are used (function placement); nothing in the stack reads their route tables.',
      });
    } else {
      const vpc = new Vpc(this, 'Vpc', {
        availabilityZones: [...settings.availabilityZones],
        natGateways: settings.natGateways ?? 1,
        ipAddresses: IpAddresses.cidr(settings.cidr ?? '10.0.0.0/16'),
        subnetConfiguration: [
          { name: 'public', subnetType: SubnetType.PUBLIC },
          { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS },
        ],
        flowLogs: {
          // Rejected traffic is what an investigation needs; logging all traffic would dominate log costs.
          rejected: {
            trafficType: FlowLogTrafficType.REJECT,
            destination: FlowLogDestination.toCloudWatchLogs(
              new LogGroup(this, 'FlowLogs', {
                retention: props.flowLogRetention ?? RetentionDays.ONE_MONTH,
                removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
              }),
            ),
          },
        },
      });
      Validations.of(vpc).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason:
          'The AZs are explicit configuration (cdk.json) by design, so that synth needs no AWS lookup; ' +
          'each environment names AZs of its own region.',
      });
      this.vpc = vpc;
    }
    this.privateSubnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
  }
}
