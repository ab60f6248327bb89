/**
 * DisassociateVpcCidrBlock: a block a VPC gives up loses our routes and rules on the peer side, and
 * nothing else does. A route carries no marker of who made it, so the peering's record
 * (`peering-autopilot:routed`, written with the status tags) is what names our routes to the block
 * once it is no longer the VPC's; a table tagged routes=skip keeps even our route (VPC Peering guide:
 * traffic to a block the peer no longer has is dropped at the peering, so such a route is dead).
 */
import {
  AssociateVpcCidrBlockCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
  DisassociateVpcCidrBlockCommand,
} from '@aws-sdk/client-ec2';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { cloudTrailEvent, starterHarness } from '../../local/local-starter.js';
import { buildVpc, requestPeering, SEED_VPCS, type SeedVpcSpec } from '../../local/seed.js';
import { ingressOf, motoEndpoint, reset, routesIn, tag, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();
const [MARKETING, , FINANCE] = SEED_VPCS as [SeedVpcSpec, SeedVpcSpec, SeedVpcSpec];

async function recordOf(pcx: string) {
  const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  return out.VpcPeeringConnections?.[0]?.Tags?.find((t) => t.Key === 'peering-autopilot:routed')?.Value;
}

it('a block Marketing disassociates loses our route and rules in Finance, from the event; a skipped table and other blocks stay', async () => {
  await reset();
  const marketing = await buildVpc(ec2, MARKETING);
  const association = await ec2.send(
    new AssociateVpcCidrBlockCommand({ VpcId: marketing.vpcId, CidrBlock: '10.11.0.0/16' }),
  );
  const finance = await buildVpc(ec2, FINANCE);
  const pcx = await requestPeering(ec2, marketing, finance);
  // A Finance table a person keeps to themselves, with their own route through the peering.
  const kept = (
    await ec2.send(
      new CreateRouteTableCommand({
        VpcId: finance.vpcId,
        TagSpecifications: [
          { ResourceType: 'route-table', Tags: [{ Key: 'peering-autopilot:routes', Value: 'skip' }] },
        ],
      }),
    )
  ).RouteTable?.RouteTableId as string;

  const first = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(first.status).toBe('SUCCEEDED');
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: kept,
      DestinationCidrBlock: '10.11.0.0/16',
      VpcPeeringConnectionId: pcx,
    }),
  );
  expect(await recordOf(pcx)).toBe('10.10.0.0/16 10.11.0.0/16 172.31.0.0/16');
  expect((await ingressOf(ec2, finance.securityGroupId)).sort()).toEqual([
    'icmp 10.10.0.0/16',
    'icmp 10.11.0.0/16',
  ]);

  const out = await ec2.send(
    new DisassociateVpcCidrBlockCommand({
      AssociationId: association.CidrBlockAssociation?.AssociationId,
    }),
  );
  // A dry run now shows what the event's run will remove, and removes nothing.
  const planned = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: true });
  expect(planned.output).toMatchObject({
    routes: expect.arrayContaining([
      expect.objectContaining({ destinationCidr: '10.11.0.0/16', action: 'removed', applied: false }),
    ]),
    securityGroupRules: expect.arrayContaining([
      expect.objectContaining({ cidr: '10.11.0.0/16', action: 'removed', applied: false }),
    ]),
  });
  expect((await ingressOf(ec2, finance.securityGroupId)).sort()).toEqual([
    'icmp 10.10.0.0/16',
    'icmp 10.11.0.0/16',
  ]);
  const harness = await starterHarness(motoEndpoint());
  const { runs } = await harness.deliver(
    cloudTrailEvent(
      'DisassociateVpcCidrBlock',
      { DisassociateVpcCidrBlockRequest: { AssociationId: out.CidrBlockAssociation?.AssociationId } },
      {
        DisassociateVpcCidrBlockResponse: {
          vpcId: out.VpcId,
          cidrBlockAssociation: { cidrBlock: '10.11.0.0/16' },
        },
      },
    ),
  );

  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
  expect(runs[0]?.output).toMatchObject({
    routes: expect.arrayContaining([
      expect.objectContaining({
        routeTableId: finance.routeTableId,
        destinationCidr: '10.11.0.0/16',
        action: 'removed',
        applied: true,
      }),
    ]),
  });
  const toPeer = (await routesIn(ec2, finance.vpcId)).filter((r) => r.target === pcx);
  // Every Finance table still routes 10.10.0.0/16; only the skipped one still has 10.11.0.0/16.
  expect(toPeer.filter((r) => r.dest === '10.11.0.0/16').map((r) => r.table)).toEqual([kept]);
  expect(toPeer.filter((r) => r.dest === '10.10.0.0/16').map((r) => r.table)).toContain(finance.routeTableId);
  expect(await ingressOf(ec2, finance.securityGroupId)).toEqual(['icmp 10.10.0.0/16']);
  // Marketing's routes to Finance are untouched (both of its tables).
  expect([
    ...new Set((await routesIn(ec2, marketing.vpcId)).filter((r) => r.target === pcx).map((r) => r.dest)),
  ]).toEqual(['172.31.0.0/16']);
  expect(await recordOf(pcx)).toBe('10.10.0.0/16 172.31.0.0/16');

  // A person routes the freed block through the peering again: not in the record, so left alone.
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: finance.routeTableId,
      DestinationCidrBlock: '10.11.0.0/16',
      VpcPeeringConnectionId: pcx,
    }),
  );
  const again = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(again.status).toBe('SUCCEEDED');
  expect(
    (await routesIn(ec2, finance.vpcId)).filter((r) => r.table === finance.routeTableId && r.target === pcx)
      .length,
  ).toBe(2);
});

it('an edited routed tag is harmless: a person’s 10.0.0.0/8 route through the peering survives the sweep and the deletion; the tag is rewritten from the trusted record (issue 19 §3)', async () => {
  // Prepare: a configured peering; a person routes 10.0.0.0/8 through it in Finance's table, and
  // whoever can tag the peering adds 10.0.0.0/8 to the record on its tags.
  await reset();
  const marketing = await buildVpc(ec2, MARKETING);
  const finance = await buildVpc(ec2, FINANCE);
  const pcx = await requestPeering(ec2, marketing, finance);
  expect((await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false })).status).toBe('SUCCEEDED');
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: finance.routeTableId,
      DestinationCidrBlock: '10.0.0.0/8',
      VpcPeeringConnectionId: pcx,
    }),
  );
  await tag(ec2, pcx, 'peering-autopilot:routed', '10.0.0.0/8 10.10.0.0/16 172.31.0.0/16');
  const harness = await starterHarness(motoEndpoint());

  // Act: the sweep sees the hint and starts a run; the run checks the hub's trusted copy.
  const { runs } = await harness.deliver({ sweep: true });

  // Assess: nothing of the person's was removed, and the hint says the truth again.
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
  expect(await routesIn(ec2, finance.vpcId)).toContainEqual(
    expect.objectContaining({ table: finance.routeTableId, dest: '10.0.0.0/8', target: pcx }),
  );
  expect(await recordOf(pcx)).toBe('10.10.0.0/16 172.31.0.0/16');

  // The same edit before a deletion: cleanup still leaves the person's route.
  await tag(ec2, pcx, 'peering-autopilot:routed', '10.0.0.0/8 10.10.0.0/16 172.31.0.0/16');
  await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  const left = await routesIn(ec2, finance.vpcId);
  expect(left).toContainEqual(expect.objectContaining({ dest: '10.0.0.0/8', target: pcx }));
  expect(left).not.toContainEqual(expect.objectContaining({ dest: '10.10.0.0/16', target: pcx }));
});
