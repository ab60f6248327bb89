/**
 * The tutorial's world in a real account, for a real trial: Marketing 10.10.0.0/16 and Developer
 * 10.20.0.0/16 with a server each in a public subnet, Finance 172.31.0.0/16 with FinanceServer in
 * a private subnet (no public IP, reaching SSM through interface endpoints), and the tags the
 * autopilot reads. Deploy it, create the two peerings in the console, and watch.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import {
  AmazonLinuxCpuType,
  BlockDeviceVolume,
  type CfnInstance,
  FlowLogDestination,
  Instance,
  InstanceClass,
  InstanceSize,
  InstanceType,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  MachineImage,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TAGS } from '../functions/commons/contracts.js';
import { suppressFindings } from './nag.js';

interface Department {
  readonly name: 'Marketing' | 'Developer' | 'Finance';
  readonly cidr: string;
  readonly private: boolean;
  readonly probe: 'source' | 'target';
}

const DEPARTMENTS: readonly Department[] = [
  { name: 'Marketing', cidr: '10.10.0.0/16', private: false, probe: 'source' },
  { name: 'Developer', cidr: '10.20.0.0/16', private: false, probe: 'source' },
  { name: 'Finance', cidr: '172.31.0.0/16', private: true, probe: 'target' },
];

export class DemoNetworkStack extends Stack {
  public readonly vpcs: Readonly<Record<string, Vpc>> = {};
  public readonly servers: Readonly<Record<string, Instance>> = {};

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const role = new Role(this, 'ServerRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
      description: 'Demo servers: SSM agent only (Session Manager, Run Command for the ping probe)',
    });
    suppressFindings(role, [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          'AmazonSSMManagedInstanceCore is the policy AWS documents for the SSM agent; the servers need nothing else.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
      },
    ]);
    const vpcs: Record<string, Vpc> = {};
    const servers: Record<string, Instance> = {};
    for (const d of DEPARTMENTS) {
      const flowLogs = new LogGroup(this, `${d.name}FlowLogs`, {
        retention: RetentionDays.ONE_WEEK,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const vpc = new Vpc(this, `${d.name}Vpc`, {
        vpcName: d.name,
        ipAddresses: IpAddresses.cidr(d.cidr),
        maxAzs: 1,
        natGateways: 0,
        subnetConfiguration: [
          d.private
            ? { name: `${d.name}Private`, subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }
            : {
                name: `${d.name}Public`,
                subnetType: SubnetType.PUBLIC,
                cidrMask: 24,
                mapPublicIpOnLaunch: true,
              },
        ],
        flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs) } },
      });
      vpcs[d.name] = vpc;
      const sg = new SecurityGroup(this, `${d.name}ServerSecurityGroup`, {
        vpc,
        securityGroupName: `${d.name}ServerSecurityGroup`,
        description: `${d.name}Server`,
        allowAllOutbound: true,
      });
      if (d.name === 'Finance') Tags.of(sg).add(TAGS.ingress, 'icmp');
      if (d.private) {
        // No internet path: the SSM agent reaches SSM through interface endpoints.
        const endpointSg = new SecurityGroup(this, `${d.name}EndpointSecurityGroup`, {
          vpc,
          description: 'SSM endpoints',
          allowAllOutbound: false,
        });
        endpointSg.addIngressRule(
          Peer.ipv4(d.cidr),
          Port.tcp(443),
          'HTTPS from the VPC to the SSM endpoints',
        );
        for (const [name, service] of [
          ['Ssm', InterfaceVpcEndpointAwsService.SSM],
          ['SsmMessages', InterfaceVpcEndpointAwsService.SSM_MESSAGES],
          ['Ec2Messages', InterfaceVpcEndpointAwsService.EC2_MESSAGES],
        ] as const) {
          vpc.addInterfaceEndpoint(`${d.name}${name}Endpoint`, {
            service,
            privateDnsEnabled: true,
            securityGroups: [endpointSg],
            open: false, // the explicit HTTPS-from-the-VPC rule above is the only way in
          });
        }
      }
      const server = new Instance(this, `${d.name}Server`, {
        instanceName: `${d.name}Server`,
        vpc,
        vpcSubnets: { subnetType: d.private ? SubnetType.PRIVATE_ISOLATED : SubnetType.PUBLIC },
        associatePublicIpAddress: !d.private,
        instanceType: InstanceType.of(InstanceClass.T4G, InstanceSize.NANO),
        machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.ARM_64 }),
        securityGroup: sg,
        role,
        detailedMonitoring: true,
        blockDevices: [{ deviceName: '/dev/xvda', volume: BlockDeviceVolume.ebs(8, { encrypted: true }) }],
      });
      // IMDSv2 only (set on the instance itself: the requireImdsv2 aspect would add a launch template).
      (server.node.defaultChild as CfnInstance).metadataOptions = { httpTokens: 'required' };
      Tags.of(server).add(TAGS.probe, d.probe);
      servers[d.name] = server;
      suppressFindings(server, [
        {
          id: 'AwsSolutions-EC29',
          reason: 'A demo stack must be destroyable with cdk destroy: no termination protection.',
        },
      ]);
      new CfnOutput(this, `${d.name}VpcId`, { value: vpc.vpcId });
      new CfnOutput(this, `${d.name}ServerId`, { value: server.instanceId });
    }
    this.vpcs = vpcs;
    this.servers = servers;
    new CfnOutput(this, 'FinanceServerPrivateIp', { value: (servers.Finance as Instance).instancePrivateIp });
  }
}
