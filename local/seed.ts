/**
 * Builds the tutorial's world (ARCHITECTURE.md seed scenario) in an EC2 endpoint — moto for the
 * demo, tests and bench: Marketing 10.10.0.0/16, Developer 10.20.0.0/16, Finance 172.31.0.0/16,
 * one server each, FinanceServerSecurityGroup opted in for ICMP, and the two peering requests.
 * Finance is built as its own VPC (moto's default VPC has the same CIDR) and found by id.
 */
import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_MEMBER_ROLE, TAGS } from '../functions/commons/contracts.js';

export interface SeedVpcSpec {
  readonly name: string;
  readonly cidr: string;
  readonly subnetCidr: string;
  readonly publicSubnet: boolean;
  readonly server: string;
  readonly probe?: 'source' | 'target';
  /** `peering-autopilot:ingress` value for the server's security group, if opted in. */
  readonly ingress?: string;
  readonly vpcTags?: Readonly<Record<string, string>>;
}

export interface SeedVpc {
  readonly name: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly subnetId: string;
  readonly routeTableId: string;
  readonly securityGroupId: string;
  readonly instanceId: string;
}

export const SEED_VPCS: readonly SeedVpcSpec[] = [
  {
    name: 'Marketing',
    cidr: '10.10.0.0/16',
    subnetCidr: '10.10.1.0/24',
    publicSubnet: true,
    server: 'MarketingServer',
    probe: 'source',
  },
  {
    name: 'Developer',
    cidr: '10.20.0.0/16',
    subnetCidr: '10.20.1.0/24',
    publicSubnet: true,
    server: 'DeveloperServer',
    probe: 'source',
  },
  {
    name: 'Finance',
    cidr: '172.31.0.0/16',
    subnetCidr: '172.31.1.0/24',
    publicSubnet: false,
    server: 'FinanceServer',
    probe: 'target',
    ingress: 'icmp',
  },
];

const tags = (resource: string, values: Record<string, string | undefined>) => [
  {
    ResourceType: resource as 'vpc',
    Tags: Object.entries(values)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([Key, Value]): Tag => ({ Key, Value })),
  },
];

async function anyImageId(ec2: EC2Client): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const id = images.Images?.[0]?.ImageId;
  if (!id) throw new Error('no AMI available to launch the seed servers');
  return id;
}

/** Creates one department VPC: subnet, its own route table, server and security group. */
export async function buildVpc(ec2: EC2Client, spec: SeedVpcSpec, imageId?: string): Promise<SeedVpc> {
  const vpc = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: spec.cidr,
      TagSpecifications: tags('vpc', { Name: spec.name, ...spec.vpcTags }),
    }),
  );
  const vpcId = vpc.Vpc?.VpcId as string;
  const subnet = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpcId,
      CidrBlock: spec.subnetCidr,
      TagSpecifications: tags('subnet', {
        Name: `${spec.name} ${spec.publicSubnet ? 'public' : 'private'} subnet`,
      }),
    }),
  );
  const subnetId = subnet.Subnet?.SubnetId as string;
  const table = await ec2.send(
    new CreateRouteTableCommand({
      VpcId: vpcId,
      TagSpecifications: tags('route-table', { Name: `${spec.name} route table` }),
    }),
  );
  const routeTableId = table.RouteTable?.RouteTableId as string;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  if (spec.publicSubnet) {
    const igw = await ec2.send(new CreateInternetGatewayCommand({}));
    const igwId = igw.InternetGateway?.InternetGatewayId as string;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: igwId,
      }),
    );
  }
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: `${spec.server}SecurityGroup`,
      Description: `${spec.server} security group`,
      TagSpecifications: tags('security-group', {
        Name: `${spec.server}SecurityGroup`,
        [TAGS.ingress]: spec.ingress,
      }),
    }),
  );
  const securityGroupId = sg.GroupId as string;
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId ?? (await anyImageId(ec2)),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      SecurityGroupIds: [securityGroupId],
      TagSpecifications: tags('instance', { Name: spec.server, [TAGS.probe]: spec.probe }),
    }),
  );
  const instanceId = run.Instances?.[0]?.InstanceId as string;
  return { name: spec.name, vpcId, cidr: spec.cidr, subnetId, routeTableId, securityGroupId, instanceId };
}

export interface SeedScenario {
  readonly marketing: SeedVpc;
  readonly developer: SeedVpc;
  readonly finance: SeedVpc;
  /** Marketing <> Finance and Developer <> Finance, both pending acceptance. */
  readonly peerings: { readonly marketingFinance: string; readonly developerFinance: string };
}

/**
 * Requests a peering (requester -> accepter), as the tutorial's step "Create peering": same
 * account and region unless the accepter's owner or region is given (then the request crosses).
 */
export async function requestPeering(
  ec2: EC2Client,
  requester: SeedVpc,
  accepter: SeedVpc,
  peer: { readonly ownerId?: string; readonly region?: string } = {},
): Promise<string> {
  const out = await ec2.send(
    new CreateVpcPeeringConnectionCommand({
      VpcId: requester.vpcId,
      PeerVpcId: accepter.vpcId,
      ...(peer.ownerId ? { PeerOwnerId: peer.ownerId } : {}),
      ...(peer.region ? { PeerRegion: peer.region } : {}),
      TagSpecifications: tags('vpc-peering-connection', { Name: `${requester.name}-${accepter.name}` }),
    }),
  );
  return out.VpcPeeringConnection?.VpcPeeringConnectionId as string;
}

/** The member account of the local cross-account story (moto acts in it after AssumeRole). */
export const LOCAL_MEMBER_ACCOUNT = '111111111111';

/**
 * Credentials acting in another account, as a person signed in there would have: moto answers
 * AssumeRole into any role of any account with credentials that act in that account.
 */
export async function accountCredentials(
  account: string,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  const out = await new STSClient({}).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/${DEFAULT_MEMBER_ROLE}`,
      RoleSessionName: 'person',
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey)
    throw new Error('the local AWS gave no credentials for that account');
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
  };
}

/** An EC2 client acting in a member (or any other) account, as a person signed in there. */
export async function memberEc2(member: string): Promise<EC2Client> {
  return new EC2Client({ credentials: await accountCredentials(member) });
}

export interface AccountsScenario {
  /** Marketing, in the member account. */
  readonly marketing: SeedVpc;
  /** Finance, in the hub account. */
  readonly finance: SeedVpc;
  /** Marketing (member) requests Finance (hub): pending acceptance in the hub. */
  readonly peering: string;
  readonly hubAccount: string;
  readonly memberAccount: string;
}

/**
 * The tutorial across accounts: Marketing lives in a member account, Finance in the hub, and a
 * person in the member account requests the peering (tutorial steps 13-15, across accounts).
 */
export async function buildAccountsScenario(
  hub: EC2Client,
  member: EC2Client,
  accounts: { readonly hub: string; readonly member: string },
): Promise<AccountsScenario> {
  const spec = (name: string) => SEED_VPCS.find((v) => v.name === name) as SeedVpcSpec;
  const finance = await buildVpc(hub, spec('Finance'), await anyImageId(hub));
  const marketing = await buildVpc(member, spec('Marketing'), await anyImageId(member));
  const peering = await requestPeering(member, marketing, finance, { ownerId: accounts.hub });
  return { marketing, finance, peering, hubAccount: accounts.hub, memberAccount: accounts.member };
}

export async function buildSeedScenario(ec2: EC2Client): Promise<SeedScenario> {
  const imageId = await anyImageId(ec2);
  const built: SeedVpc[] = [];
  for (const spec of SEED_VPCS) built.push(await buildVpc(ec2, spec, imageId));
  const [m, d, f] = built as [SeedVpc, SeedVpc, SeedVpc];
  return {
    marketing: m,
    developer: d,
    finance: f,
    peerings: {
      marketingFinance: await requestPeering(ec2, m, f),
      developerFinance: await requestPeering(ec2, d, f),
    },
  };
}
