/**
 * The local SSM endpoint against moto (issue "Real packets" §2): the probe's replica is built from
 * every account the caller is peered with, followed peering by peering, so a ping between two
 * member accounts (neither of them moto's default account) runs with real packets in the kernel.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  DescribeInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { probeScript } from '../../functions/network/ping.js';
import { startProbeEndpoint } from '../../local/dataplane/ssm-endpoint.js';
import { answerAs } from '../../local/moto.js';
import { buildVpc, requestPeering, SEED_VPCS } from '../../local/seed.js';
import { reset, useMoto } from '../support/local-aws.js';

const { endpoint: moto, ec2In } = useMoto();
const A = '333333333333';
const B = '444444444444';
const spec = (name: string) => SEED_VPCS.find((v) => v.name === name) as (typeof SEED_VPCS)[number];

beforeEach(() => reset());

it('pings from a server in one member account to one in another, through their peering, with real packets', async () => {
  const [ec2A, ec2B] = [ec2In('us-east-1', A), ec2In('us-east-1', B)];
  const marketing = await buildVpc(ec2A, spec('Marketing'));
  const finance = await buildVpc(ec2B, spec('Finance'));
  const pcx = await requestPeering(ec2A, marketing, finance, { ownerId: B });
  await ec2B.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  for (const [ec2, side, cidr] of [
    [ec2A, marketing, finance.cidr],
    [ec2B, finance, marketing.cidr],
  ] as const) {
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: side.routeTableId,
        DestinationCidrBlock: cidr,
        VpcPeeringConnectionId: pcx,
      }),
    );
  }
  await ec2B.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: finance.securityGroupId,
      IpPermissions: [
        { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: marketing.cidr }] },
      ],
    }),
  );
  const described = await ec2B.send(new DescribeInstancesCommand({ InstanceIds: [finance.instanceId] }));
  const targetIp = described.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress as string;

  const probe = await startProbeEndpoint(moto);
  try {
    // The command is sent as account A (Verify sends it as the source instance's owner).
    const ssm = answerAs(
      new SSMClient({
        endpoint: probe.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      }),
      A,
    );
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [marketing.instanceId],
        Parameters: { commands: probeScript(targetIp, 2, 1) },
      }),
    );
    let inv = { Status: 'InProgress', StandardOutputContent: '' as string | undefined };
    for (let n = 0; n < 60 && inv.Status === 'InProgress'; n++) {
      await new Promise((r) => setTimeout(r, 250));
      inv = (await ssm.send(
        new GetCommandInvocationCommand({
          CommandId: sent.Command?.CommandId,
          InstanceId: marketing.instanceId,
        }),
      )) as typeof inv;
    }
    expect(inv.Status).toBe('Success');
    expect(inv.StandardOutputContent).toContain('2 packets transmitted, 2 received');
    expect(probe.probes).toEqual([{ instanceId: marketing.instanceId, targetIp, exitCode: 0 }]);
  } finally {
    await probe.close();
  }
});
