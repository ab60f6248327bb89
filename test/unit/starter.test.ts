/**
 * The starter against mocked EC2 and Step Functions: events that name resources deleted since,
 * and events that are malformed, never make it fail (no retry storm, no DLQ noise).
 */
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { metrics } from '../../functions/commons/powertools/metrics.js';
import type { Affected } from '../../functions/starter/events.js';
import { startRuns } from '../../functions/starter/starter.js';

const ec2Mock = mockClient(EC2Client);
const sfnMock = mockClient(SFNClient);
const PCX = 'pcx-0123456789abcdef0';
const notFound = (name: string) =>
  Object.assign(new Error(`${name}: does not exist`), { name, $metadata: {} });
const logs: string[] = [];
const ec2 = new EC2Client({ region: 'us-east-1' });
const deps = {
  ec2For: () => ec2,
  home: { ownerId: '123456789012', region: 'us-east-1' },
  places: [{ ownerId: '123456789012', region: 'us-east-1' }],
  actsIn: (ownerId: string) => ownerId === '123456789012',
  judge: {
    members: [],
    policy: 'same-account' as const,
    quotas: { routesPerTable: 50, rulesPerSecurityGroup: 60 },
    reverifySeconds: 24 * 3600,
    dnsResolution: 'tagged' as const,
  },
  sfn: new SFNClient({ region: 'us-east-1' }),
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:wf',
  windowSeconds: 3,
  sweepSeconds: 3600,
  now: () => new Date('2026-11-26T10:00:00.000Z'),
  log: (m: string) => {
    logs.push(m);
  },
};
const affected = (over: Partial<Affected>): Affected => ({
  trigger: 'event',
  eventName: 'DeleteRoute',
  time: '2026-11-26T10:00:00.000Z',
  peeringIds: [],
  vpcIds: [],
  routeTableIds: [],
  groupIds: [],
  all: false,
  deletion: false,
  ...over,
});

beforeEach(() => {
  ec2Mock.reset();
  sfnMock.reset();
  logs.length = 0;
  ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves({
    VpcPeeringConnections: [
      {
        VpcPeeringConnectionId: PCX,
        Status: { Code: 'active' },
        RequesterVpcInfo: { VpcId: 'vpc-m' },
        AccepterVpcInfo: { VpcId: 'vpc-f' },
      },
    ],
  });
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: deps.now() });
});

it('an event about a route table deleted since is logged as ignored, not a failure', async () => {
  ec2Mock.on(DescribeRouteTablesCommand).rejects(notFound('InvalidRouteTableID.NotFound'));
  const out = await startRuns(affected({ routeTableIds: ['rtb-gone'] }), deps);
  expect(out.started).toEqual([]);
  expect(logs).toContain('ignored: the event names a resource that no longer exists');
});

it('handles the live groups of an event and ignores the one that no longer exists', async () => {
  ec2Mock
    .on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-gone', 'sg-live'] })
    .rejects(notFound('InvalidGroup.NotFound'))
    .on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-gone'] })
    .rejects(notFound('InvalidGroup.NotFound'))
    .on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-live'] })
    .resolves({
      SecurityGroups: [
        { GroupId: 'sg-live', VpcId: 'vpc-f', Tags: [{ Key: 'peering-autopilot:ingress', Value: 'icmp' }] },
      ],
    });
  const out = await startRuns(
    affected({ eventName: 'RevokeSecurityGroupIngress', groupIds: ['sg-gone', 'sg-live'] }),
    deps,
  );
  expect(out.started).toEqual([expect.stringContaining(PCX)]);
});

it('a real EC2 error still fails the starter (EventBridge retries it), naming where it was', async () => {
  ec2Mock.on(DescribeRouteTablesCommand).rejects(notFound('UnauthorizedOperation'));
  await expect(startRuns(affected({ routeTableIds: ['rtb-1'] }), deps)).rejects.toMatchObject({
    name: 'PlaceUnreachableError',
    message: expect.stringContaining('account 123456789012 in us-east-1: UnauthorizedOperation'),
  });
});

it('the handler drops a malformed event with a metric instead of failing', async () => {
  process.env.STATE_MACHINE_ARN = deps.stateMachineArn;
  const { handler } = await import('../../functions/starter/handler.js');
  const addMetric = jest.spyOn(metrics, 'addMetric');
  const out = (await handler({ source: 'aws.ec2', detail: 'nonsense' }, {
    functionName: 'starter',
    awsRequestId: 'r-1',
  } as never)) as { ignored?: string };
  expect(out.ignored).toMatch(/^malformed event: /);
  expect(addMetric).toHaveBeenCalledWith('MalformedEvents', 'Count', 1);
  expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
});

describe('one place the sweep cannot read never stops the others (issue 19 §1)', () => {
  const member = { ownerId: '111111111111', region: 'us-east-1' };
  const otherRegion = { ownerId: '123456789012', region: 'eu-west-1' };
  /** Each place its own client: the member's throws as an unassumable role would, or never answers. */
  function placesDeps(memberClient: EC2Client) {
    const good = new EC2Client({ region: 'us-east-1' });
    return {
      ...deps,
      places: [deps.home, member, otherRegion],
      actsIn: (id: string) => ['123456789012', '111111111111'].includes(id),
      judge: { ...deps.judge, members: ['111111111111'] },
      ec2For: (p: { ownerId: string }) => (p.ownerId === member.ownerId ? memberClient : good),
    };
  }
  beforeEach(() => {
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  });
  const denied = Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
    name: 'AccessDenied',
    $metadata: {},
  });

  it('a member whose role cannot be assumed is reported by account, region and error; the hub still gets its runs', async () => {
    // Prepare: the hub's peering is pending (it needs a run); the member's client fails every call.
    ec2Mock.on(DescribeVpcPeeringConnectionsCommand).callsFake(async function (this: unknown) {
      return {
        VpcPeeringConnections: [
          {
            VpcPeeringConnectionId: PCX,
            Status: { Code: 'pending-acceptance' },
            RequesterVpcInfo: { VpcId: 'vpc-m', OwnerId: '123456789012', Region: 'us-east-1' },
            AccepterVpcInfo: { VpcId: 'vpc-f', OwnerId: '123456789012', Region: 'us-east-1' },
          },
        ],
      };
    });
    const broken = new EC2Client({ region: 'us-east-1' });
    broken.send = (async () => {
      throw denied;
    }) as never;
    // Act
    const out = await startRuns(affected({ trigger: 'sweep', all: true }), placesDeps(broken));
    // Assess
    expect(out.started).toEqual([expect.stringContaining(PCX)]);
    expect(out.sweep?.failedPlaces).toEqual([
      { place: member, error: 'AccessDenied: User is not authorized to perform: sts:AssumeRole' },
    ]);
    expect(out.sweep?.places).toBe(3);
    expect(logs).toContain(
      'sweep: could not read account 111111111111 in us-east-1: AccessDenied: User is not authorized to perform: sts:AssumeRole',
    );
  });

  it('a place that never answers is reported failed at its deadline, and the sweep finishes', async () => {
    const hung = new EC2Client({ region: 'us-east-1' });
    hung.send = (() => new Promise(() => undefined)) as never;
    const out = await startRuns(affected({ trigger: 'sweep', all: true }), {
      ...placesDeps(hung),
      placeDeadlineMs: 50,
    });
    expect(out.sweep?.failedPlaces).toEqual([{ place: member, error: 'Error: no answer within 0.05 s' }]);
  });

  it('an event from a member region outside the configured regions is ignored: nothing described there', async () => {
    const out = await startRuns(
      affected({ account: member.ownerId, region: 'eu-central-1', routeTableIds: ['rtb-1'] }),
      {
        ...placesDeps(new EC2Client({ region: 'eu-central-1' })),
        judge: { ...placesDeps(ec2).judge, regions: ['us-east-1'] },
      },
    );
    expect(out.started).toEqual([]);
    expect(logs).toContain('ignored: the event comes from a member region outside the configured regions');
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('an event from a member that cannot be reached fails alone, naming the account and region', async () => {
    const broken = new EC2Client({ region: 'us-east-1' });
    broken.send = (async () => {
      throw denied;
    }) as never;
    await expect(
      startRuns(
        affected({ account: member.ownerId, region: member.region, routeTableIds: ['rtb-1'] }),
        placesDeps(broken),
      ),
    ).rejects.toThrow(
      /DeleteRoute event: could not read account 111111111111 in us-east-1: AccessDenied: User is not authorized/,
    );
    // The next event, from the hub, is handled as always.
    ec2Mock
      .on(DescribeRouteTablesCommand)
      .resolves({ RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-f' }] });
    const ok = await startRuns(affected({ routeTableIds: ['rtb-1'] }), placesDeps(broken));
    expect(ok.started).toEqual([expect.stringContaining(PCX)]);
  });
});
