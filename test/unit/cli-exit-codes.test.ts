/**
 * `run`'s exit codes say what happened (README, `run --help`): 2 only for a refusal, 1 for any
 * failure — a failed ping or a quota-partial run included — and 0 otherwise.
 */
import { exitCodeFor, type WorkflowResult } from '../../cli/src/report.js';

const result = (over: Partial<WorkflowResult> = {}): WorkflowResult => ({
  peeringConnectionId: 'pcx-0123456789abcdef0',
  decision: 'already-active',
  routes: [],
  securityGroupRules: [],
  verification: { status: 'passed', probes: [], diagnosis: [] },
  ...over,
});
const route = (action: WorkflowResult['routes'][number]['action']) => ({
  routeTableId: 'rtb-1',
  vpcId: 'vpc-1',
  ownerId: '123456789012',
  region: 'us-east-1',
  destinationCidr: '10.10.0.0/16',
  action,
  applied: false,
});

it.each([
  ['configured', result(), 0],
  [
    'verification inconclusive (moto, no data plane)',
    result({ verification: { status: 'inconclusive', probes: [], diagnosis: [] } }),
    0,
  ],
  [
    'verification failed after the repair',
    result({ verification: { status: 'failed', probes: [], diagnosis: [] } }),
    1,
  ],
  [
    'a table without quota room (partial)',
    result({ routes: [route('created'), route('quota-exceeded')] }),
    1,
  ],
  [
    'a group asking for peer-group sources over a cross-Region peering (partial)',
    result({
      securityGroupRules: [
        {
          groupId: 'sg-1',
          vpcId: 'vpc-1',
          ownerId: '123456789012',
          region: 'us-east-1',
          protocol: 'icmp',
          fromPort: -1,
          toPort: -1,
          action: 'unsupported-cross-region',
          applied: false,
        },
      ],
    }),
    1,
  ],
  ['refused', result({ decision: 'refused', reason: 'overlapping CIDRs' }), 2],
])('run exits for %s with the documented code', (_label, r, code) => {
  expect(exitCodeFor(r)).toBe(code);
});
