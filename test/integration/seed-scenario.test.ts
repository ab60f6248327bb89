/**
 * The tutorial's story against moto, through the real ASL and the real handlers.
 */
import {
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
  ReplaceNetworkAclAssociationCommand,
} from '@aws-sdk/client-ec2';
import { observeClients } from '../../functions/commons/aws-clients.js';
import { CallRecorder } from '../../local/call-recorder.js';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { buildSeedScenario, type SeedScenario, type SeedVpc } from '../../local/seed.js';
import { changedModels, motoState, reset, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();

async function routesTo(client: EC2Client, vpc: SeedVpc): Promise<Record<string, string | undefined>> {
  const out = await client.send(new DescribeRouteTablesCommand({ RouteTableIds: [vpc.routeTableId] }));
  return Object.fromEntries(
    (out.RouteTables?.[0]?.Routes ?? []).map((r) => [
      r.DestinationCidrBlock,
      r.VpcPeeringConnectionId ?? r.GatewayId,
    ]),
  );
}

async function icmpSources(client: EC2Client, groupId: string): Promise<string[]> {
  const out = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (out.SecurityGroups?.[0]?.IpPermissions ?? [])
    .filter((p) => p.IpProtocol === 'icmp')
    .flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp as string))
    .sort();
}

async function statusOf(client: EC2Client, pcx: string): Promise<string | undefined> {
  const out = await client.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  return out.VpcPeeringConnections?.[0]?.Status?.Code;
}

describe('seed scenario on a local AWS', () => {
  let seed: SeedScenario;

  beforeEach(async () => {
    await reset();
    seed = await buildSeedScenario(ec2);
  });

  it('peers Marketing and Developer with Finance: routes on both sides, Finance SG open to ICMP, both active', async () => {
    // Act
    const results = [];
    for (const pcx of [seed.peerings.marketingFinance, seed.peerings.developerFinance]) {
      results.push(await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false }));
    }

    // Assess
    expect(results.map((r) => [r.status, r.output?.decision])).toEqual([
      ['SUCCEEDED', 'accepted'],
      ['SUCCEEDED', 'accepted'],
    ]);
    expect((await routesTo(ec2, seed.marketing))['172.31.0.0/16']).toBe(seed.peerings.marketingFinance);
    expect((await routesTo(ec2, seed.developer))['172.31.0.0/16']).toBe(seed.peerings.developerFinance);
    const finance = await routesTo(ec2, seed.finance);
    expect(finance['10.10.0.0/16']).toBe(seed.peerings.marketingFinance);
    expect(finance['10.20.0.0/16']).toBe(seed.peerings.developerFinance);
    expect(await icmpSources(ec2, seed.finance.securityGroupId)).toEqual(['10.10.0.0/16', '10.20.0.0/16']);
    expect(await statusOf(ec2, seed.peerings.marketingFinance)).toBe('active');
    expect(await statusOf(ec2, seed.peerings.developerFinance)).toBe('active');
    // The contract's result shape
    expect(results[0]?.output).toMatchObject({
      peeringConnectionId: seed.peerings.marketingFinance,
      decision: 'accepted',
      routes: expect.arrayContaining([
        expect.objectContaining({
          routeTableId: seed.finance.routeTableId,
          destinationCidr: '10.10.0.0/16',
          action: 'created',
        }),
      ]),
      securityGroupRules: [
        expect.objectContaining({
          groupId: seed.finance.securityGroupId,
          cidr: '10.10.0.0/16',
          protocol: 'icmp',
          fromPort: -1,
          toPort: -1,
          action: 'created',
        }),
      ],
      // moto has no data plane: the ping is inconclusive (never passed), the static diagnosis gives the verdict.
      verification: expect.objectContaining({
        status: 'inconclusive',
        probes: [
          expect.objectContaining({
            sourceName: 'MarketingServer',
            targetName: 'FinanceServer',
            status: 'inconclusive',
          }),
        ],
        diagnosis: [
          expect.objectContaining({ source: 'MarketingServer', target: 'FinanceServer', reachable: true }),
        ],
      }),
    });
  });

  it('a second run makes zero mutating calls and reports everything as exists', async () => {
    // Prepare
    await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false });
    const recorder = new CallRecorder();
    observeClients((client) => recorder.watch(client));
    recorder.reset();

    // Act
    const again = await runLocalWorkflow({
      peeringConnectionId: seed.peerings.marketingFinance,
      dryRun: false,
    });

    // Assess
    // Nothing to change and the peering was verified moments ago (status tags): no write at all,
    // not even the status tags, and no ping.
    expect(recorder.writes).toEqual([]);
    expect(recorder.reads.length).toBeGreaterThan(0);
    const output = again.output as {
      decision: string;
      routes: { action: string }[];
      securityGroupRules: { action: string }[];
    };
    expect(output.decision).toBe('already-active');
    expect(new Set([...output.routes, ...output.securityGroupRules].map((c) => c.action))).toEqual(
      new Set(['exists']),
    );
  });

  it('dry run changes nothing in moto, byte for byte, and plans exactly what a real run then does', async () => {
    // Prepare
    const before = await motoState();

    // Act
    const dry = await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: true });
    const after = await motoState();
    const real = await runLocalWorkflow({
      peeringConnectionId: seed.peerings.marketingFinance,
      dryRun: false,
    });

    // Assess
    expect(changedModels(before, after)).toEqual([]);
    expect(after).toBe(before);
    type Result = { routes: Record<string, unknown>[]; securityGroupRules: unknown[]; dryRun: boolean };
    const planned = dry.output as Result;
    const done = real.output as Result;
    const key = (c: Record<string, unknown>) => JSON.stringify({ ...c, applied: undefined });
    expect(planned.routes.map(key)).toEqual(done.routes.map(key));
    expect(planned.routes.every((r) => r.applied === false)).toBe(true);
    expect(done.securityGroupRules).toHaveLength(planned.securityGroupRules.length);
    expect(planned.dryRun).toBe(true);
  });

  it('names the missing piece when a network ACL blocks the reply (static diagnosis under moto)', async () => {
    // Prepare: Finance's subnet gets a NACL that lets the ping in but never the reply out.
    const acl = await ec2.send(new CreateNetworkAclCommand({ VpcId: seed.finance.vpcId }));
    const aclId = acl.NetworkAcl?.NetworkAclId as string;
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: aclId,
        RuleNumber: 100,
        Protocol: '-1',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
      }),
    );
    const assoc = await ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [{ Name: 'association.subnet-id', Values: [seed.finance.subnetId] }],
      }),
    );
    const current = assoc.NetworkAcls?.[0]?.Associations?.find((a) => a.SubnetId === seed.finance.subnetId);
    await ec2.send(
      new ReplaceNetworkAclAssociationCommand({
        AssociationId: current?.NetworkAclAssociationId,
        NetworkAclId: aclId,
      }),
    );

    // Act
    const out = await runLocalWorkflow({
      peeringConnectionId: seed.peerings.marketingFinance,
      dryRun: false,
    });

    // Assess
    const verification = out.output?.verification as {
      status: string;
      diagnosis: { reachable: boolean; missing: string }[];
    };
    expect(verification.status).toBe('inconclusive');
    expect(verification.diagnosis[0]?.reachable).toBe(false);
    expect(verification.diagnosis[0]?.missing).toContain(
      `Finance network ACL ${aclId} denies the reply leaving the target subnet`,
    );
  });
});
