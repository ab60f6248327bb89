/**
 * DNS resolution across the peering (VPC Peering guide, "Enable DNS resolution for a VPC peering
 * connection"): a VPC tagged peering-autopilot:dns=true gets AllowDnsResolutionFromRemoteVpc on its
 * side once the peering is active; a person turning it off is healed from the
 * ModifyVpcPeeringConnectionOptions event; a re-run changes nothing.
 */
import {
  CreateTagsCommand,
  DescribeVpcPeeringConnectionsCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
} from '@aws-sdk/client-ec2';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { cloudTrailEvent, starterHarness } from '../../local/local-starter.js';
import { buildSeedScenario } from '../../local/seed.js';
import { motoEndpoint, reset, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();

async function dnsOf(pcx: string) {
  const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  const p = out.VpcPeeringConnections?.[0];
  return {
    requester: p?.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
    accepter: p?.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
  };
}

it('sets DNS resolution on the tagged side once active, warns about DNS hostnames, heals it from the event, and a re-run changes nothing', async () => {
  await reset();
  const seed = await buildSeedScenario(ec2);
  const pcx = seed.peerings.marketingFinance;
  await ec2.send(
    new CreateTagsCommand({
      Resources: [seed.finance.vpcId],
      Tags: [{ Key: 'peering-autopilot:dns', Value: 'true' }],
    }),
  );
  await ec2.send(
    new ModifyVpcAttributeCommand({ VpcId: seed.finance.vpcId, EnableDnsHostnames: { Value: false } }),
  );

  const planned = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: true });
  // The dry run shows the line it would set (once the peering is active), and sets nothing.
  expect(planned.output).toMatchObject({
    options: [{ side: 'accepter', action: 'enabled', applied: false }],
  });
  expect(await dnsOf(pcx)).toEqual({ requester: false, accepter: false });
  const out = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });

  expect(out.status).toBe('SUCCEEDED');
  expect(out.output).toMatchObject({
    options: [
      {
        side: 'accepter',
        vpcId: seed.finance.vpcId,
        allowDnsResolutionFromRemoteVpc: true,
        action: 'enabled',
        applied: true,
        detail:
          'VPC Finance has enableDnsHostnames off: its hostnames do not resolve to private IPs until it is on',
      },
    ],
  });
  expect(await dnsOf(pcx)).toEqual({ requester: false, accepter: true });

  // A person turns it off: the event brings it back.
  await ec2.send(
    new ModifyVpcPeeringConnectionOptionsCommand({
      VpcPeeringConnectionId: pcx,
      AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: false },
    }),
  );
  const harness = await starterHarness(motoEndpoint());
  const { runs } = await harness.deliver(
    cloudTrailEvent('ModifyVpcPeeringConnectionOptions', {
      ModifyVpcPeeringConnectionOptionsRequest: { VpcPeeringConnectionId: pcx },
    }),
  );
  expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
  expect(await dnsOf(pcx)).toEqual({ requester: false, accepter: true });

  const again = await runLocalWorkflow({ peeringConnectionId: pcx, dryRun: false });
  expect(again.output).toMatchObject({ options: [{ side: 'accepter', action: 'exists', applied: false }] });
});
