/**
 * The verify step through its real handler, EC2 and SSM mocked: a failed ping emits the failure
 * metric (Verifications, status=failed) and carries the diagnosis into the SNS message text.
 */

import { readFileSync } from 'node:fs';
import { DescribeInstancesCommand, DescribeNetworkAclsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { metrics } from '../../functions/commons/powertools/metrics.js';
import { handler } from '../../functions/verify/handler.js';
import { inspectionOf } from '../support/facts.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:verify';
const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const allLost = readFileSync(new URL('../fixtures/ping/all-lost.txt', import.meta.url), 'utf8');

const instance = (
  id: string,
  name: string,
  vpcId: string,
  subnetId: string,
  ip: string,
  role: string,
  sg: string,
) => ({
  InstanceId: id,
  VpcId: vpcId,
  SubnetId: subnetId,
  PrivateIpAddress: ip,
  State: { Name: 'running' as const },
  SecurityGroups: [{ GroupId: sg }],
  Tags: [
    { Key: 'Name', Value: name },
    { Key: 'peering-autopilot:probe', Value: role },
  ],
});

const event = {
  inspection: inspectionOf('pcx-0000000000000mf01'),
  facts: {
    routeTables: [
      {
        routeTableId: 'rtb-m',
        vpcId: 'vpc-marketing',
        main: true,
        subnetIds: [],
        tags: {},
        routes: [
          { destination: '10.10.0.0/16', target: 'local', propagated: false },
          {
            destination: '172.31.0.0/16',
            target: 'pcx-0000000000000mf01',
            peeringConnectionId: 'pcx-0000000000000mf01',
            propagated: false,
          },
        ],
      },
      {
        routeTableId: 'rtb-f',
        vpcId: 'vpc-finance',
        main: true,
        subnetIds: [],
        tags: {},
        routes: [
          { destination: '172.31.0.0/16', target: 'local', propagated: false },
          {
            destination: '10.10.0.0/16',
            target: 'pcx-0000000000000mf01',
            peeringConnectionId: 'pcx-0000000000000mf01',
            propagated: false,
          },
        ],
      },
    ],
    securityGroups: [
      {
        groupId: 'sg-m',
        vpcId: 'vpc-marketing',
        tags: {},
        ingress: [],
        egress: [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' }],
      },
      {
        groupId: 'sg-f',
        vpcId: 'vpc-finance',
        groupName: 'FinanceServerSecurityGroup',
        tags: { 'peering-autopilot:ingress': 'icmp' },
        ingress: [],
        egress: [],
      },
    ],
  },
};

it('a failed ping emits the failure metric and names the missing piece for the SNS message', async () => {
  ec2Mock.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          instance('i-m', 'MarketingServer', 'vpc-marketing', 'subnet-m', '10.10.1.20', 'source', 'sg-m'),
          instance('i-f', 'FinanceServer', 'vpc-finance', 'subnet-f', '172.31.5.10', 'target', 'sg-f'),
        ],
      },
    ],
  });
  ec2Mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
  ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', StandardOutputContent: allLost });
  const addDimension = jest.spyOn(metrics, 'addDimension');
  const addMetric = jest.spyOn(metrics, 'addMetric');

  const out = (await handler(event, {
    functionName: 'verify',
    awsRequestId: 'r-1',
    invokedFunctionArn: FUNCTION_ARN,
  } as never)) as {
    status: string;
    repairable: boolean;
    message: string;
  };

  expect(out.status).toBe('failed');
  expect(out.repairable).toBe(true); // the closed group is opted in: the autopilot owns the fix
  expect(addDimension).toHaveBeenCalledWith('status', 'failed');
  expect(addMetric).toHaveBeenCalledWith('Verifications', 'Count', 1);
  expect(out.message).toContain(
    'ping MarketingServer -> FinanceServer 172.31.5.10: failed (0/3 replies, 100% loss) [3 sent, 0 received, 100% loss]',
  );
  expect(out.message).toContain(
    'static path diagnosis MarketingServer -> FinanceServer (from described state, not a measurement): MISSING: FinanceServerSecurityGroup sg-f allows no ICMP from 10.10.1.20',
  );
});

it('never runs a command on an untagged instance: no tagged source means skipped, naming the tag to add', async () => {
  ec2Mock.reset();
  ssmMock.reset();
  const untagged = instance('i-m', 'MarketingServer', 'vpc-marketing', 'subnet-m', '10.10.1.20', '', 'sg-m');
  ec2Mock.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          { ...untagged, Tags: [{ Key: 'Name', Value: 'MarketingServer' }] },
          instance('i-f', 'FinanceServer', 'vpc-finance', 'subnet-f', '172.31.5.10', 'target', 'sg-f'),
        ],
      },
    ],
  });
  ec2Mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });

  const out = (await handler(event, {
    functionName: 'verify',
    awsRequestId: 'r-2',
    invokedFunctionArn: FUNCTION_ARN,
  } as never)) as {
    status: string;
    probes: Array<{ status: string; reason: string }>;
  };

  expect(out.status).toBe('skipped');
  expect(out.probes[0]?.reason).toContain('no running instance tagged peering-autopilot:probe=source in');
  expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(0);
});

it('reads probe tags trimmed and case-insensitively (" Source ", "TARGET")', async () => {
  ec2Mock.reset();
  ssmMock.reset();
  ec2Mock.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          instance('i-m', 'MarketingServer', 'vpc-marketing', 'subnet-m', '10.10.1.20', ' Source ', 'sg-m'),
          instance('i-f', 'FinanceServer', 'vpc-finance', 'subnet-f', '172.31.5.10', 'TARGET', 'sg-f'),
        ],
      },
    ],
  });
  ec2Mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-2' } });
  ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', StandardOutputContent: allLost });

  const out = (await handler(event, {
    functionName: 'verify',
    awsRequestId: 'r-3',
    invokedFunctionArn: FUNCTION_ARN,
  } as never)) as {
    status: string;
  };

  expect(out.status).toBe('failed');
  expect(ssmMock.commandCalls(SendCommandCommand)[0]?.args[0].input.InstanceIds).toEqual(['i-m']);
});

it("says who must act: a closed network ACL is a person's fix, never the autopilot's", async () => {
  ec2Mock.reset();
  ssmMock.reset();
  ec2Mock.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          instance('i-m', 'MarketingServer', 'vpc-marketing', 'subnet-m', '10.10.1.20', 'source', 'sg-m'),
          instance('i-f', 'FinanceServer', 'vpc-finance', 'subnet-f', '172.31.5.10', 'target', 'sg-f'),
        ],
      },
    ],
  });
  ec2Mock.on(DescribeNetworkAclsCommand).resolves({
    NetworkAcls: [
      {
        NetworkAclId: 'acl-f',
        VpcId: 'vpc-finance',
        IsDefault: false,
        Associations: [{ SubnetId: 'subnet-f' }],
        Entries: [
          { RuleNumber: 100, Egress: false, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0' },
        ],
      },
    ],
  });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-3' } });
  ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', StandardOutputContent: allLost });
  const withIcmp = {
    ...event,
    facts: {
      ...event.facts,
      securityGroups: event.facts.securityGroups.map((g) =>
        g.groupId === 'sg-f'
          ? { ...g, ingress: [{ protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.10.0.0/16' }] }
          : g,
      ),
    },
  };

  const out = (await handler(withIcmp, {
    functionName: 'verify',
    awsRequestId: 'r-4',
    invokedFunctionArn: FUNCTION_ARN,
  } as never)) as {
    repairable: boolean;
    message: string;
  };

  expect(out.repairable).toBe(false);
  expect(out.message).toContain('network ACL acl-f denies the ping entering the target subnet');
  expect(out.message).toContain(
    'Who must act: a person must fix this: the autopilot never changes network ACLs',
  );
});
