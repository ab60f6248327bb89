/**
 * `peering-autopilot:ingress-from=sources` end to end against moto: Finance's group admits
 * Marketing's group tagged `peering-autopilot:source=true` — a reference through the peering, not
 * Marketing's CIDR — shown first by a dry run, healed when a person revokes it, removed when the
 * source tag goes and when the peering is deleted (AWS leaves such references stale, never removes
 * them: VPC Peering guide). Cross-Region, nothing is added (AWS allows references only within one
 * Region) and the peering is `partial`.
 */
import {
  DeleteTagsCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { cloudTrailEvent, starterHarness } from '../../local/local-starter.js';
import { buildVpc, requestPeering, SEED_VPCS, type SeedVpcSpec } from '../../local/seed.js';
import { ingressOf, motoEndpoint, reset, tag, useMoto } from '../support/local-aws.js';

const { ec2, ec2In } = useMoto();
const [MARKETING, , FINANCE] = SEED_VPCS as [SeedVpcSpec, SeedVpcSpec, SeedVpcSpec];

/** A group's references to other groups, as `protocol from account/group (description)`. */
async function referencesIn(client: EC2Client, groupId: string) {
  const out = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (out.SecurityGroups?.[0]?.IpPermissions ?? []).flatMap((p) =>
    (p.UserIdGroupPairs ?? []).map((g) => `${p.IpProtocol} from ${g.UserId}/${g.GroupId} (${g.Description})`),
  );
}

beforeEach(reset);

it('Finance admits Marketing’s source group instead of its CIDR; dry run first, healed, untagged and deleted peerings leave nothing', async () => {
  const marketing = await buildVpc(ec2, MARKETING);
  const finance = await buildVpc(ec2, FINANCE);
  await tag(ec2, finance.securityGroupId, 'peering-autopilot:ingress-from', 'sources');
  await tag(ec2, marketing.securityGroupId, 'peering-autopilot:source', 'true');
  const pcx = await requestPeering(ec2, marketing, finance);
  const account = (
    await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [marketing.securityGroupId] }))
  ).SecurityGroups?.[0]?.OwnerId as string;
  const ours = [`icmp from ${account}/${marketing.securityGroupId} (peering-autopilot ${pcx})`];

  const planned = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: true });
  expect(planned.output).toMatchObject({
    securityGroupRules: [
      {
        groupId: finance.securityGroupId,
        sourceGroupId: marketing.securityGroupId,
        sourceOwnerId: account,
        protocol: 'icmp',
        action: 'created',
        applied: false,
      },
    ],
  });
  expect(await referencesIn(ec2, finance.securityGroupId)).toEqual([]);

  const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(out.status).toBe('SUCCEEDED');
  expect(await referencesIn(ec2, finance.securityGroupId)).toEqual(ours);
  // The path diagnosis credits the reference (same-Region, active peering): Marketing reaches Finance.
  expect(out.output).toMatchObject({
    verification: { diagnosis: [{ source: 'MarketingServer', target: 'FinanceServer', reachable: true }] },
  });
  expect(await ingressOf(ec2, finance.securityGroupId)).toEqual([]);

  // A person revokes it (naming the pair as written: moto matches the whole pair, AWS the group
  // and owner): the next run puts it back; a run after that changes nothing.
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: finance.securityGroupId,
      IpPermissions: [
        {
          IpProtocol: 'icmp',
          FromPort: -1,
          ToPort: -1,
          UserIdGroupPairs: [
            {
              GroupId: marketing.securityGroupId,
              UserId: account,
              VpcPeeringConnectionId: pcx,
              Description: `peering-autopilot ${pcx}`,
            },
          ],
        },
      ],
    }),
  );
  const harness = await starterHarness(motoEndpoint());
  const healed = await harness.deliver(
    cloudTrailEvent('RevokeSecurityGroupIngress', { groupId: finance.securityGroupId }),
  );
  expect(healed.runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
  expect(await referencesIn(ec2, finance.securityGroupId)).toEqual(ours);
  const again = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(again.output).toMatchObject({ securityGroupRules: [{ action: 'exists' }] });

  // Marketing's group is no longer a source: our reference goes.
  await ec2.send(
    new DeleteTagsCommand({
      Resources: [marketing.securityGroupId],
      Tags: [{ Key: 'peering-autopilot:source' }],
    }),
  );
  const untagged = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(untagged.output).toMatchObject({ securityGroupRules: [{ action: 'removed', applied: true }] });
  expect(await referencesIn(ec2, finance.securityGroupId)).toEqual([]);

  // Tagged again (the tag event starts the run), then the peering is deleted: cleanup revokes the
  // (now stale) reference.
  await tag(ec2, marketing.securityGroupId, 'peering-autopilot:source', 'true');
  const retagged = await harness.deliver(
    cloudTrailEvent(
      'CreateTags',
      {
        resourcesSet: { items: [{ resourceId: marketing.securityGroupId }] },
        tagSet: { items: [{ key: 'peering-autopilot:source', value: 'true' }] },
      },
      null,
      new Date(Date.now() - 60_000), // another debounce window than the revoke event's
    ),
  );
  expect(retagged.runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
  expect(await referencesIn(ec2, finance.securityGroupId)).toEqual(ours);
  await ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  const cleaned = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(cleaned.output).toMatchObject({
    cleanup: {
      rulesRemoved: [{ sourceGroupId: marketing.securityGroupId, action: 'removed', applied: true }],
    },
  });
  expect(await referencesIn(ec2, finance.securityGroupId)).toEqual([]);
});

it('cross-Region: nothing is added, the lines say unsupported-cross-region, the status is partial, and no CIDR is opened', async () => {
  const west = ec2In('us-west-2');
  const marketing = await buildVpc(ec2, MARKETING);
  const finance = await buildVpc(west, FINANCE);
  await tag(west, finance.securityGroupId, 'peering-autopilot:ingress-from', 'sources');
  await tag(ec2, marketing.securityGroupId, 'peering-autopilot:source', 'true');
  const pcx = await requestPeering(ec2, marketing, finance, { region: 'us-west-2' });

  const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

  expect(out.status).toBe('SUCCEEDED');
  expect(out.output).toMatchObject({
    securityGroupRules: [
      {
        groupId: finance.securityGroupId,
        protocol: 'icmp',
        action: 'unsupported-cross-region',
        applied: false,
      },
    ],
  });
  expect(await referencesIn(west, finance.securityGroupId)).toEqual([]);
  expect(await ingressOf(west, finance.securityGroupId)).toEqual([]);
  const status = (
    await west.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }))
  ).VpcPeeringConnections?.[0]?.Tags?.find((t) => t.Key === 'peering-autopilot:status')?.Value;
  expect(status).toBe('partial');
  // The next run knows it was already partial (a person is not told again).
  const next = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(next.output).toMatchObject({ recordedStatus: 'partial' });
});
