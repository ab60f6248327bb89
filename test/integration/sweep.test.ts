/**
 * The one-pass sweep against moto: what it calls drift is exactly what the workflow then writes,
 * a peering it calls clean gets no write when run anyway, and a change made with no event (a lost
 * CloudTrail event) is healed by the next sweep — with no execution for the healthy peerings.
 */

import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  DescribeRouteTablesCommand,
  DisassociateVpcCidrBlockCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { callerAccount, ec2Clients } from '../../functions/commons/aws-clients.js';
import { sweep } from '../../functions/starter/sweep.js';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { starterHarness } from '../../local/local-starter.js';
import { buildSeedScenario, type SeedScenario } from '../../local/seed.js';
import { motoEndpoint, reset, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();

async function findings() {
  const hub = await callerAccount();
  const accounts = { hub, members: [], memberRole: 'PeeringAutopilotMember', partition: 'aws' };
  return sweep({
    ec2For: ec2Clients(accounts, 'sweep'),
    places: [{ ownerId: hub, region: 'us-east-1' }],
    accountId: hub,
    members: [],
    policy: 'same-account',
    quotas: { routesPerTable: 50, rulesPerSecurityGroup: 60 },
    reverifySeconds: 24 * 3600,
    dnsResolution: 'tagged' as const,
    now: () => new Date(),
  });
}

/** Runs the workflow for every peering; returns those whose run wrote something. */
async function peeringsThatWrite(ids: readonly string[]): Promise<string[]> {
  const wrote: string[] = [];
  for (const id of ids) {
    const out = await runLocalWorkflow({ peeringConnectionId: id, dryRun: false });
    expect(out.status).toBe('SUCCEEDED');
    const result = out.output as {
      routes: Array<{ applied: boolean }>;
      securityGroupRules: Array<{ applied: boolean }>;
    };
    if ([...result.routes, ...result.securityGroupRules].some((l) => l.applied)) wrote.push(id);
  }
  return wrote.sort();
}

describe('the sweep agrees with the workflow', () => {
  let seed: SeedScenario;
  let ids: string[];
  beforeEach(async () => {
    await reset();
    seed = await buildSeedScenario(ec2);
    ids = Object.values(seed.peerings).sort();
    for (const id of ids) await runLocalWorkflow({ peeringConnectionId: id, dryRun: false });
  });

  const drift: Array<[string, (s: SeedScenario) => Promise<unknown>, number]> = [
    ['nothing changed', async () => undefined, 0],
    [
      "a managed route deleted (Finance's route to Marketing)",
      (s) =>
        ec2.send(
          new DeleteRouteCommand({
            RouteTableId: s.finance.routeTableId,
            DestinationCidrBlock: '10.10.0.0/16',
          }),
        ),
      1,
    ],
    [
      'a managed rule revoked',
      (s) =>
        ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: s.finance.securityGroupId,
            IpPermissions: [
              { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.20.0.0/16' }] },
            ],
          }),
        ),
      1,
    ],
    [
      'the opt-in tag removed (our rules must go)',
      (s) =>
        ec2.send(
          new DeleteTagsCommand({
            Resources: [s.finance.securityGroupId],
            Tags: [{ Key: 'peering-autopilot:ingress' }],
          }),
        ),
      2,
    ],
    [
      'a secondary CIDR associated with Marketing',
      (s) =>
        ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: s.marketing.vpcId, CidrBlock: '10.11.0.0/16' })),
      1,
    ],
    [
      'a block Marketing had (and we routed, per the record) disassociated with no event',
      async (s) => {
        const added = await ec2.send(
          new AssociateVpcCidrBlockCommand({ VpcId: s.marketing.vpcId, CidrBlock: '10.11.0.0/16' }),
        );
        await runLocalWorkflow({ peeringConnectionId: s.peerings.marketingFinance, dryRun: false });
        await ec2.send(
          new DisassociateVpcCidrBlockCommand({ AssociationId: added.CidrBlockAssociation?.AssociationId }),
        );
      },
      1,
    ],
    [
      'a new route table associated in Developer',
      async (s) => {
        const subnet = await ec2.send(
          new CreateSubnetCommand({ VpcId: s.developer.vpcId, CidrBlock: '10.20.9.0/24' }),
        );
        const table = await ec2.send(new CreateRouteTableCommand({ VpcId: s.developer.vpcId }));
        await ec2.send(
          new AssociateRouteTableCommand({
            RouteTableId: table.RouteTable?.RouteTableId,
            SubnetId: subnet.Subnet?.SubnetId,
          }),
        );
      },
      1,
    ],
  ];

  it.each(drift)(
    '%s: the peerings the sweep calls drifted are exactly the ones whose run writes',
    async (_name, change, count) => {
      await change(seed);
      const report = await findings();
      const drifted = report.findings
        .filter((f) => f.reason === 'drift')
        .map((f) => f.peeringConnectionId)
        .sort();
      // Nothing else is due (both were configured and verified moments ago).
      expect(report.findings.filter((f) => f.reason !== 'drift')).toEqual([]);
      expect(report.drifted).toBe(count);
      expect(drifted).toHaveLength(count);
      expect(await peeringsThatWrite(ids)).toEqual(drifted);
    },
  );
});

it('a route deleted with no event is healed by the next sweep, which starts no run for the healthy peering', async () => {
  await reset();
  const seed = await buildSeedScenario(ec2);
  const { marketingFinance: mf, developerFinance: df } = seed.peerings;
  for (const id of [mf, df]) await runLocalWorkflow({ peeringConnectionId: id, dryRun: false });
  await ec2.send(
    new DeleteRouteCommand({
      RouteTableId: seed.marketing.routeTableId,
      DestinationCidrBlock: '172.31.0.0/16',
    }),
  );
  const harness = await starterHarness(motoEndpoint());

  const { starter, runs } = await harness.deliver({ sweep: true });

  expect(starter).toMatchObject({
    started: [expect.stringContaining(mf)],
    sweep: { checked: 2, drifted: 1 },
  });
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
  const table = await ec2.send(
    new DescribeRouteTablesCommand({ RouteTableIds: [seed.marketing.routeTableId] }),
  );
  expect(table.RouteTables?.[0]?.Routes?.map((r) => r.VpcPeeringConnectionId)).toContain(mf);
  // And once healed, a sweep finds nothing to do at all.
  expect((await harness.deliver({ sweep: true })).starter).toMatchObject({
    started: [],
    sweep: { drifted: 0 },
  });
});
