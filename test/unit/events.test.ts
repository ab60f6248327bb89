import fc from 'fast-check';
import { WATCHED_EVENTS } from '../../functions/commons/contracts.js';
import { InputValidationError } from '../../functions/commons/errors.js';
import { executionName, normaliseEvent, windowStart } from '../../functions/starter/events.js';
import { cloudTrailEvent } from '../../local/local-starter.js';

describe('starter event normaliser', () => {
  it.each([
    [
      'CreateVpcPeeringConnection',
      {},
      { vpcPeeringConnection: { vpcPeeringConnectionId: 'pcx-0123456789abcdef0' } },
      { peeringIds: ['pcx-0123456789abcdef0'] },
    ],
    [
      'AcceptVpcPeeringConnection',
      { vpcPeeringConnectionId: 'pcx-0123456789abcdef0' },
      null,
      { peeringIds: ['pcx-0123456789abcdef0'] },
    ],
    [
      'DeleteVpcPeeringConnection',
      { vpcPeeringConnectionId: 'pcx-0123456789abcdef0' },
      { _return: true },
      { peeringIds: ['pcx-0123456789abcdef0'], deletion: true },
    ],
    [
      'DeleteRoute',
      { routeTableId: 'rtb-0123456789abcdef0', destinationCidrBlock: '10.10.0.0/16' },
      null,
      { routeTableIds: ['rtb-0123456789abcdef0'] },
    ],
    [
      'ReplaceRoute',
      { routeTableId: 'rtb-0123456789abcdef0' },
      null,
      { routeTableIds: ['rtb-0123456789abcdef0'] },
    ],
    [
      'AssociateRouteTable',
      { routeTableId: 'rtb-0123456789abcdef0', subnetId: 'subnet-1' },
      null,
      { routeTableIds: ['rtb-0123456789abcdef0'] },
    ],
    [
      'ReplaceRouteTableAssociation',
      { routeTableId: 'rtb-0123456789abcdef0' },
      null,
      { routeTableIds: ['rtb-0123456789abcdef0'] },
    ],
    ['CreateRouteTable', { vpcId: 'vpc-0123456789abcdef0' }, null, { vpcIds: ['vpc-0123456789abcdef0'] }],
    ['DisassociateRouteTable', { associationId: 'rtbassoc-1' }, null, { all: true }],
    [
      'DisassociateVpcCidrBlock',
      { associationId: 'vpc-cidr-assoc-1' },
      {
        vpcId: 'vpc-0123456789abcdef0',
        cidrBlockAssociation: { associationId: 'vpc-cidr-assoc-1', cidrBlock: '10.11.0.0/16' },
      },
      { vpcIds: ['vpc-0123456789abcdef0'] },
    ],
    [
      'DisassociateVpcCidrBlock',
      { associationId: 'vpc-cidr-assoc-1' },
      { DisassociateVpcCidrBlockResponse: { vpcId: 'vpc-0123456789abcdef0' } },
      { vpcIds: ['vpc-0123456789abcdef0'] },
    ],
    // No VPC in the response: every peering of the region is checked, never none.
    ['DisassociateVpcCidrBlock', { associationId: 'vpc-cidr-assoc-1' }, null, { all: true }],
    [
      'AssociateVpcCidrBlock',
      { vpcId: 'vpc-0123456789abcdef0', cidrBlock: '10.11.0.0/16' },
      null,
      { vpcIds: ['vpc-0123456789abcdef0'] },
    ],
    [
      'RevokeSecurityGroupIngress',
      { groupId: 'sg-0123456789abcdef0' },
      null,
      { groupIds: ['sg-0123456789abcdef0'] },
    ],
    [
      'ModifySecurityGroupRules',
      { ModifySecurityGroupRulesRequest: { GroupId: 'sg-0123456789abcdef0' } },
      null,
      { groupIds: ['sg-0123456789abcdef0'] },
    ],
    [
      'CreateTags',
      {
        resourcesSet: { items: [{ resourceId: 'sg-0123456789abcdef0' }] },
        tagSet: { items: [{ key: 'peering-autopilot:ingress', value: 'icmp' }] },
      },
      null,
      { groupIds: ['sg-0123456789abcdef0'] },
    ],
  ])('maps %s to what it affects', (name, req, res, expected) => {
    expect(normaliseEvent(cloudTrailEvent(name, req, res))).toMatchObject({
      trigger: 'event',
      eventName: name,
      ...expected,
    });
  });

  it('reads request parameters in both CloudTrail shapes (plain and wrapped in <Action>Request)', () => {
    const wrapped = cloudTrailEvent('AssociateVpcCidrBlock', {
      AssociateVpcCidrBlockRequest: { VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.11.0.0/16' },
    });
    expect(normaliseEvent(wrapped).vpcIds).toEqual(['vpc-0123456789abcdef0']);
  });

  it('ignores our own status tags (no feedback loop) and foreign tags, saying why', () => {
    const own = normaliseEvent(
      cloudTrailEvent('CreateTags', {
        resourcesSet: { items: [{ resourceId: 'pcx-0123456789abcdef0' }] },
        tagSet: {
          items: [
            { key: 'peering-autopilot:status' },
            { key: 'peering-autopilot:checked-at' },
            { key: 'peering-autopilot:routed' },
            { key: 'peering-autopilot:routed-2' },
          ],
        },
      }),
    );
    expect(own.ignored).toContain('no peering-autopilot: configuration tag');
  });

  it('ignores calls that failed', () => {
    const event = cloudTrailEvent('DeleteRoute', { routeTableId: 'rtb-0123456789abcdef0' });
    (event.detail as Record<string, unknown>).errorCode = 'Client.UnauthorizedOperation';
    expect(normaliseEvent(event).ignored).toBe('the DeleteRoute call failed (Client.UnauthorizedOperation)');
  });

  it('accepts the sweep trigger', () => {
    expect(normaliseEvent({ sweep: true })).toMatchObject({ trigger: 'sweep', all: true });
  });

  it('fails when a field is malformed, naming the field and value', () => {
    expect(() => normaliseEvent(cloudTrailEvent('DeleteRoute', { routeTableId: 'not-a-table' }))).toThrow(
      'invalid DeleteRoute event: detail.requestParameters.routeTableId: expected a resource id (got "not-a-table")',
    );
    expect(() =>
      normaliseEvent(
        cloudTrailEvent(
          'DisassociateVpcCidrBlock',
          { associationId: 'vpc-cidr-assoc-1' },
          { vpcId: 'vpc-NOPE' },
        ),
      ),
    ).toThrow(
      'invalid DisassociateVpcCidrBlock event: detail.responseElements.vpcId: expected a resource id (got "vpc-NOPE")',
    );
    expect(() => normaliseEvent({ source: 'aws.s3' })).toThrow(/source: .*got "aws.s3"/);
  });

  it('debounces by window and names executions deterministically within 80 characters', () => {
    expect(windowStart('2026-11-26T10:00:04.900Z', 3)).toBe(windowStart('2026-11-26T10:00:03.000Z', 3));
    expect(windowStart('2026-11-26T10:00:06.000Z', 3)).not.toBe(windowStart('2026-11-26T10:00:05.999Z', 3));
    const name = executionName('pcx-0123456789abcdef0', 'event', 1795660000);
    expect(name).toBe('pcx-0123456789abcdef0-event-1795660000');
    expect(name.length).toBeLessThanOrEqual(80);
    expect(executionName('pcx-0123456789abcdef0', 'delete')).toBe('pcx-0123456789abcdef0-delete');
  });

  it('every one of 1,000 generated inputs normalises or fails with a validation error naming a field (fuzz)', () => {
    const id = (p: string) =>
      fc.oneof(
        fc
          .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 17 })
          .map((h) => `${p}-${h}`),
        fc.string(),
      );
    const req = fc.record(
      {
        vpcPeeringConnectionId: id('pcx'),
        routeTableId: id('rtb'),
        vpcId: id('vpc'),
        groupId: id('sg'),
        resourcesSet: fc.record({
          items: fc.array(fc.record({ resourceId: fc.oneof(id('sg'), id('vpc'), fc.anything()) })),
        }),
        tagSet: fc.record({
          items: fc.array(
            fc.record({ key: fc.oneof(fc.constant('peering-autopilot:ingress'), fc.string()) }),
          ),
        }),
      },
      { requiredKeys: [] },
    );
    const event = fc.oneof(
      fc
        .tuple(fc.constantFrom(...WATCHED_EVENTS, 'RunInstances'), req)
        .map(([name, r]) => cloudTrailEvent(name, r)),
      fc.anything(),
      fc.record({ sweep: fc.anything() }),
    );
    fc.assert(
      fc.property(event, (e) => {
        try {
          const out = normaliseEvent(e);
          return typeof out.trigger === 'string';
        } catch (error) {
          return error instanceof InputValidationError && /: .*\(got /.test(error.message);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
