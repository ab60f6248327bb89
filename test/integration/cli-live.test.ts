/**
 * The operator CLI's read-only commands against moto: status, plan, doctor — output, exit codes
 * and one-line errors.
 */
import {
  AssignPrivateIpAddressesCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  DescribeNetworkAclsCommand,
  ReplaceNetworkAclAssociationCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { EXIT } from '../../cli/src/io.js';
import { runLocalWorkflow } from '../../local/local-runner.js';
import { buildSeedScenario, type SeedScenario } from '../../local/seed.js';
import { cli } from '../support/cli.js';
import { motoState, reset, tag, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();

let seed: SeedScenario;
beforeEach(async () => {
  await reset();
  seed = await buildSeedScenario(ec2);
});

describe('peering-autopilot status', () => {
  it('lists peerings with their last outcome and when it was checked', async () => {
    await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false });
    const run = await cli('status', '--json');
    expect(run.code).toBe(EXIT.ok);
    const rows = JSON.parse(run.stdout) as {
      peeringConnectionId: string;
      outcome?: string;
      checkedAt?: string;
      state: string;
    }[];
    expect(rows.find((r) => r.peeringConnectionId === seed.peerings.marketingFinance)).toMatchObject({
      state: 'active',
      outcome: 'configured',
      checkedAt: expect.stringMatching(/^\d{4}-/),
    });
    expect(rows.find((r) => r.peeringConnectionId === seed.peerings.developerFinance)).toMatchObject({
      state: 'pending-acceptance',
    });
    expect(
      rows.find((r) => r.peeringConnectionId === seed.peerings.developerFinance)?.outcome,
    ).toBeUndefined();
    const table = await cli('status', seed.peerings.developerFinance);
    expect(table.stdout).toContain('(never run)');
  });

  it('exits 1 with one clear line for an unknown peering', async () => {
    const run = await cli('status', 'pcx-0123456789abcdef0');
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe('error: peering connection pcx-0123456789abcdef0 not found in us-east-1');
  });
});

describe('peering-autopilot plan', () => {
  it('computes the full plan from read-only calls and changes nothing', async () => {
    const before = await motoState();
    const run = await cli('plan', seed.peerings.marketingFinance, '--json');
    expect(await motoState()).toBe(before);
    expect(run.code).toBe(EXIT.ok);
    const plan = JSON.parse(run.stdout) as {
      decision: string;
      routes: { action: string; destinationCidr: string }[];
      securityGroupRules: { cidr: string }[];
    };
    expect(plan.decision).toBe('accepted');
    expect(
      plan.routes
        .filter((r) => r.action === 'created')
        .map((r) => r.destinationCidr)
        .sort(),
    ).toEqual(['10.10.0.0/16', '10.10.0.0/16', '172.31.0.0/16', '172.31.0.0/16']);
    expect(plan.securityGroupRules.map((r) => r.cidr)).toEqual(['10.10.0.0/16']);
  });

  it('shows a rule whose source is a peer group (ingress-from=sources) and DNS resolution, writing nothing', async () => {
    await tag(ec2, seed.finance.vpcId, 'peering-autopilot:dns', 'true');
    await tag(ec2, seed.finance.securityGroupId, 'peering-autopilot:ingress-from', 'sources');
    await tag(ec2, seed.marketing.securityGroupId, 'peering-autopilot:source', 'true');
    const before = await motoState();
    const run = await cli('plan', seed.peerings.marketingFinance);
    if (process.env.SHOW_CLI_OUTPUT) process.stderr.write(`${run.stdout}\n`);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toMatch(
      new RegExp(
        `${seed.finance.securityGroupId} │ Finance +│ peer group \\d{12}/${seed.marketing.securityGroupId} │ icmp +│ to create`,
      ),
    );
    expect(run.stdout).toMatch(/DNS resolution from the peer on the accepter side \(Finance\): to enable/);
    expect(await motoState()).toBe(before);
  });

  it('shows the options it would set: DNS resolution on a VPC tagged peering-autopilot:dns=true', async () => {
    await tag(ec2, seed.finance.vpcId, 'peering-autopilot:dns', 'true');
    const run = await cli('plan', seed.peerings.marketingFinance);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/DNS resolution from the peer on the accepter side \(Finance\): to enable/);
    expect(run.stdout).toContain('Dry run: nothing was changed.');
  });

  it('exits 1 with one clear line for an unknown peering', async () => {
    const run = await cli('plan', 'pcx-0123456789abcdef0');
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe(
      'error: peeringConnectionId "pcx-0123456789abcdef0" was not found in region us-east-1 of account 123456789012',
    );
  });
});

describe('peering-autopilot doctor', () => {
  it('says what is missing before the autopilot ran (the tutorial step 9 hang)', async () => {
    const run = await cli('doctor', seed.marketing.instanceId, seed.finance.instanceId);
    expect(run.code).toBe(EXIT.refused);
    expect(run.stdout).toContain('BLOCKED');
    expect(run.stdout).toContain('missing: peering');
  });

  it('finds the path complete after a run, by target IP too, and names a revoked rule', async () => {
    await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false });
    const ok = await cli('doctor', seed.marketing.instanceId, seed.finance.instanceId, '--json');
    expect(ok.code).toBe(EXIT.ok);
    const diag = JSON.parse(ok.stdout) as { reachable: boolean; target: { privateIp: string } };
    expect(diag.reachable).toBe(true);

    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: seed.finance.securityGroupId,
        IpPermissions: [
          { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.10.0.0/16' }] },
        ],
      }),
    );
    const blocked = await cli('doctor', seed.marketing.instanceId, diag.target.privateIp);
    expect(blocked.code).toBe(EXIT.refused);
    expect(blocked.stdout).toMatch(
      /missing: FinanceServerSecurityGroup sg-\w+ allows no ICMP from [\d.]+ \(tutorial steps 32-34/,
    );
  });

  // The same AWS rules as test/unit/diagnose-aws-rules.test.ts, through `doctor` against moto.
  const configured = async () => {
    await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false });
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: seed.finance.securityGroupId,
        IpPermissions: [
          { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.10.0.0/16' }] },
        ],
      }),
    );
  };

  it('UG-SG: an echo-reply-only rule (ICMP type 0) does not admit the ping; doctor says so and exits 2', async () => {
    await configured();
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: seed.finance.securityGroupId,
        IpPermissions: [
          { IpProtocol: 'icmp', FromPort: 0, ToPort: -1, IpRanges: [{ CidrIp: '10.10.0.0/16' }] },
        ],
      }),
    );
    const run = await cli('doctor', seed.marketing.instanceId, seed.finance.instanceId);
    expect(run.code).toBe(EXIT.refused);
    expect(run.stdout).toContain('(only icmp type 0)');
  });

  it("PG: a rule naming Marketing's security group over the active same-region peering admits the ping", async () => {
    await configured();
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: seed.finance.securityGroupId,
        IpPermissions: [
          {
            IpProtocol: 'icmp',
            FromPort: -1,
            ToPort: -1,
            UserIdGroupPairs: [
              {
                GroupId: seed.marketing.securityGroupId,
                UserId: '123456789012',
                VpcPeeringConnectionId: seed.peerings.marketingFinance,
              },
            ],
          },
        ],
      }),
    );
    const run = await cli('doctor', seed.marketing.instanceId, seed.finance.instanceId);
    expect(run.stdout).toContain('path complete');
    expect(run.code).toBe(EXIT.ok);
  });

  it('UG-RT: a more specific route to a gateway wins over the peering route; doctor names the table and route to change', async () => {
    await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false });
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
      ?.InternetGatewayId as string;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: seed.marketing.vpcId }));
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: seed.marketing.routeTableId,
        DestinationCidrBlock: '172.31.0.0/17',
        GatewayId: igw,
      }),
    );
    const run = await cli('doctor', seed.marketing.instanceId, seed.finance.instanceId);
    expect(run.code).toBe(EXIT.refused);
    expect(run.stdout).toContain(`route table ${seed.marketing.routeTableId} sends`);
    expect(run.stdout).toContain(
      `to ${igw} (route 172.31.0.0/17), not via ${seed.peerings.marketingFinance}: change that route's target`,
    );
  });

  it('UG-NACL: an inbound deny at a lower rule number wins over a later allow, and the ACL is stateless', async () => {
    await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false });
    const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: seed.finance.vpcId }))).NetworkAcl
      ?.NetworkAclId as string;
    const add = (RuleNumber: number, Egress: boolean, RuleAction: 'allow' | 'deny', CidrBlock: string) =>
      ec2.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: acl,
          RuleNumber,
          Egress,
          RuleAction,
          CidrBlock,
          Protocol: '-1',
        }),
      );
    await add(100, false, 'deny', '10.10.0.0/16');
    await add(200, false, 'allow', '0.0.0.0/0');
    await add(100, true, 'allow', '0.0.0.0/0');
    const acls = await ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [{ Name: 'association.subnet-id', Values: [seed.finance.subnetId] }],
      }),
    );
    const association = acls.NetworkAcls?.[0]?.Associations?.find(
      (a) => a.SubnetId === seed.finance.subnetId,
    );
    await ec2.send(
      new ReplaceNetworkAclAssociationCommand({
        AssociationId: association?.NetworkAclAssociationId as string,
        NetworkAclId: acl,
      }),
    );
    const run = await cli('doctor', seed.marketing.instanceId, seed.finance.instanceId);
    expect(run.code).toBe(EXIT.refused);
    expect(run.stdout).toContain(`network ACL ${acl} denies the ping entering the target subnet`);
    expect(run.stdout).toContain('rule 100 (deny 10.10.0.0/16)');
  });

  it("judges a target address on a second network interface by that interface's subnet: its route table", async () => {
    await runLocalWorkflow({ peeringConnectionId: seed.peerings.marketingFinance, dryRun: false });
    // FinanceServer gets a second ENI (two addresses) in another subnet, whose own route table has no
    // route back to Marketing. (Its security groups are judged per ENI too, but moto reports an
    // attached ENI's groups merged with the instance's: that rule is tested in
    // test/unit/instance-facts.test.ts and by real packets in test/dataplane/differential.test.ts.)
    const subnetId = (
      await ec2.send(new CreateSubnetCommand({ VpcId: seed.finance.vpcId, CidrBlock: '172.31.200.0/24' }))
    ).Subnet?.SubnetId as string;
    const eniId = (
      await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: subnetId,
          Groups: [seed.finance.securityGroupId],
          PrivateIpAddress: '172.31.200.20',
        }),
      )
    ).NetworkInterface?.NetworkInterfaceId as string;
    await ec2.send(
      new AttachNetworkInterfaceCommand({
        NetworkInterfaceId: eniId,
        InstanceId: seed.finance.instanceId,
        DeviceIndex: 1,
      }),
    );
    await ec2.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: eniId,
        PrivateIpAddresses: ['172.31.200.21'],
      }),
    );
    const tableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: seed.finance.vpcId }))).RouteTable
      ?.RouteTableId as string;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnetId }));

    // The primary address is reached (its subnet uses the main table, which the autopilot configured) ...
    expect((await cli('doctor', seed.marketing.instanceId, seed.finance.instanceId)).code).toBe(EXIT.ok);
    // ... the same instance at either address of its second ENI is not: the reply has no way back.
    for (const address of ['172.31.200.20', '172.31.200.21']) {
      const run = await cli('doctor', seed.marketing.instanceId, address);
      expect(run.code).toBe(EXIT.refused);
      expect(run.stdout).toContain(`route table ${tableId} has no route to 10.10.0.0/16`);
    }
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: tableId,
        DestinationCidrBlock: '10.10.0.0/16',
        VpcPeeringConnectionId: seed.peerings.marketingFinance,
      }),
    );
    const open = await cli('doctor', seed.marketing.instanceId, '172.31.200.21', '--json');
    expect(open.code).toBe(EXIT.ok);
    expect(JSON.parse(open.stdout).target).toMatchObject({
      instanceId: seed.finance.instanceId,
      privateIp: '172.31.200.21',
      subnetId,
    });
  });

  it('exits 1 with one clear line for an address no interface holds', async () => {
    const run = await cli('doctor', seed.marketing.instanceId, '172.31.99.99');
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe('error: no instance with private IP 172.31.99.99 in us-east-1');
  });

  it('exits 1 with one clear line for an unknown instance', async () => {
    const run = await cli('doctor', 'i-0123456789abcdef0', seed.finance.instanceId);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe('error: instance i-0123456789abcdef0 not found in us-east-1');
  });
});
