/**
 * The kernel replica (issue "Real packets" §1 and its safety rules): real packets through routes,
 * security groups and network ACLs rendered from described facts, in a private user+network+mount
 * namespace tree that is checked for isolation before anything is built and gone afterwards. Each
 * world is also judged by the static diagnosis (functions/network/diagnose.ts): the two must agree.
 * AWS rules, from the VPC and VPC Peering guides: a peering carries traffic only while active and
 * only with a route in each direction; security groups are stateful and deny by default; network
 * ACLs are stateless, evaluated in rule-number order, first match wins, default deny.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { diagnosePath } from '../../functions/network/diagnose.js';
import type { World } from '../../local/dataplane/render.js';
import { ISOLATION_CHECK, kernelPing, REFUSED, runInPrivateTree } from '../../local/dataplane/sandbox.js';
import { acl, FINANCE, group, MARKETING, table, toPeer, tutorialWorld } from '../support/worlds.js';

/** The tutorial after step 34, with `change` applied. */
function tutorial(change: Partial<World> = {}): World {
  return { ...tutorialWorld(), ...change };
}

const allowAll = (egress: boolean, ruleNumber = 100) => ({
  ruleNumber,
  egress,
  protocol: '-1',
  action: 'allow' as const,
  cidr: '0.0.0.0/0',
});

/** The kernel's verdict (a real ping) and the static diagnosis's, for MarketingServer -> FinanceServer. */
function verdicts(world: World) {
  const ping = kernelPing(world, MARKETING.instanceId, FINANCE.privateIp, { count: 1 });
  const diagnosis = diagnosePath({
    ...world,
    source: MARKETING,
    target: FINANCE,
    vpcs: {
      'vpc-m': { name: 'Marketing', cidrs: ['10.10.0.0/16'] },
      'vpc-f': { name: 'Finance', cidrs: ['172.31.0.0/16'] },
    },
    requesterVpcId: 'vpc-m',
  });
  if (ping.status !== 0 && ping.status !== 1)
    throw new Error(`replica failed (${ping.status}): ${ping.stderr}`);
  return { kernel: ping.status === 0, statically: diagnosis.reachable, output: ping.stdout };
}

describe('the private namespace tree', () => {
  it("refuses to build in the caller's own network namespace (the check, run read-only here)", () => {
    const here = spawnSync('bash', ['--norc', '-c', ISOLATION_CHECK], {
      encoding: 'utf8',
      env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin`, HOST_NETNS: readlinkSync('/proc/self/ns/net') },
    });
    expect(here.status).toBe(REFUSED);
    expect(here.stderr).toContain("refused: this network namespace is the caller's");
  });

  it('refuses a tree that has any interface besides loopback', () => {
    const run = runInPrivateTree(`ip link add stray type veth peer name stray-peer\n${ISOLATION_CHECK}`);
    expect(run.status).toBe(REFUSED);
    expect(run.stderr).toContain('refused: the private tree has an interface besides loopback');
  });

  it('is a network namespace of its own with nothing but loopback, and is gone when the run ends', () => {
    const run = runInPrivateTree('readlink /proc/self/ns/net; ip -o link show | wc -l');
    const [netns, links] = run.stdout.trim().split('\n');
    expect(run.status).toBe(0);
    expect(netns).not.toBe(readlinkSync('/proc/self/ns/net'));
    expect(links).toBe('1');
    // No process anywhere still holds the tree's network namespace: it no longer exists.
    const holders = readdirSync('/proc').filter((pid) => {
      try {
        return /^\d+$/.test(pid) && readlinkSync(`/proc/${pid}/ns/net`) === netns;
      } catch {
        return false;
      }
    });
    expect(holders).toEqual([]);
  });
});

describe('real packets through the replica, and the static diagnosis on the same facts', () => {
  it.each<[string, World, boolean]>([
    ['tutorial step 35: routes both ways and Finance open for ICMP -> replies', tutorial(), true],
    [
      'no route to Finance in Marketing (step 22 skipped) -> no reply',
      tutorial({
        routeTables: [
          table('rtb-m', 'vpc-m', '10.10.0.0/16'),
          table('rtb-f', 'vpc-f', '172.31.0.0/16', [toPeer('10.10.0.0/16')]),
        ],
      }),
      false,
    ],
    [
      'no return route in Finance (step 27 skipped): the echo arrives, the reply cannot leave -> no reply',
      tutorial({
        routeTables: [
          table('rtb-m', 'vpc-m', '10.10.0.0/16', [toPeer('172.31.0.0/16')]),
          table('rtb-f', 'vpc-f', '172.31.0.0/16'),
        ],
      }),
      false,
    ],
    [
      "Finance's group does not admit Marketing (step 32 skipped): groups deny by default -> no reply",
      tutorial({ securityGroups: [group('sg-m', 'vpc-m'), group('sg-f', 'vpc-f')] }),
      false,
    ],
    [
      'the peering is pending acceptance: a route to it carries nothing -> no reply',
      tutorial({
        peerings: [
          { id: 'pcx-1', status: 'pending-acceptance', requesterVpcId: 'vpc-m', accepterVpcId: 'vpc-f' },
        ],
      }),
      false,
    ],
    [
      "Finance's group admits Marketing's group by reference (same-Region peering) -> replies",
      tutorial({
        securityGroups: [
          group('sg-m', 'vpc-m'),
          {
            ...group('sg-f', 'vpc-f'),
            ingressRefs: [
              { protocol: 'icmp', fromPort: -1, toPort: -1, groupId: 'sg-m', peeringConnectionId: 'pcx-1' },
            ],
          },
        ],
      }),
      true,
    ],
    [
      "a network ACL on Finance's subnet denies Marketing before a later allow (first match wins) -> no reply",
      tutorial({
        networkAcls: [
          acl('vpc-f', 'subnet-f', [
            { ruleNumber: 50, egress: false, protocol: '-1', action: 'deny', cidr: '10.10.0.0/16' },
            allowAll(false),
            allowAll(true),
          ]),
        ],
      }),
      false,
    ],
    [
      "network ACLs are stateless: Finance's subnet allows the echo in but no reply out -> no reply",
      tutorial({ networkAcls: [acl('vpc-f', 'subnet-f', [allowAll(false)])] }),
      false,
    ],
  ])('%s', (_, world, reachable) => {
    const { kernel, statically, output } = verdicts(world);
    expect({ kernel, statically }).toEqual({ kernel: reachable, statically: reachable });
    expect(output).toMatch(
      reachable ? /1 packets transmitted, 1 received/ : /1 packets transmitted, 0 received/,
    );
  });
});
