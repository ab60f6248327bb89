/**
 * Bench section 7: the kernel replica behind the local ping (local/dataplane/) — how long building
 * it takes, and a ping that answers and one that does not, for the tutorial's three VPCs and for a
 * hub peered with 49 spokes (50 VPCs). Worlds are facts, as the local SSM endpoint reads them from
 * moto; each measurement is a fresh private namespace tree, built and torn down.
 */
import type { World } from '../local/dataplane/render.js';
import { dataplaneUnavailable, replicaScript, runInPrivateTree } from '../local/dataplane/sandbox.js';
import { say, table } from './output.js';

const ALL_OUT = [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' }];

/** A hub VPC (10.0.0.0/16) peered with `spokes` VPCs (10.k.0.0/16), one server each, routes both ways. */
function hubAndSpokes(spokes: number, withReturnRoutes = true): World {
  const vpcs = Array.from({ length: spokes + 1 }, (_, k) => ({ id: `vpc-${k}`, cidr: `10.${k}.0.0/16` }));
  const peerings = vpcs.slice(1).map((v, k) => ({
    id: `pcx-${k}`,
    status: 'active',
    requesterVpcId: v.id,
    accepterVpcId: 'vpc-0',
  }));
  const route = (destination: string, pcx: string) => ({
    destination,
    target: pcx,
    peeringConnectionId: pcx,
    propagated: false,
  });
  return {
    instances: vpcs.map((v, k) => ({
      instanceId: `i-${k}`,
      vpcId: v.id,
      subnetId: `subnet-${k}`,
      privateIp: `10.${k}.1.10`,
      state: 'running',
      securityGroupIds: [`sg-${k}`],
    })),
    peerings,
    routeTables: vpcs.map((v, k) => ({
      routeTableId: `rtb-${k}`,
      vpcId: v.id,
      main: true,
      subnetIds: [],
      tags: {},
      routes: [
        { destination: v.cidr, target: 'local', propagated: false },
        ...(k === 0
          ? withReturnRoutes
            ? peerings.map((p, j) => route(vpcs[j + 1]?.cidr as string, p.id))
            : []
          : [route('10.0.0.0/16', `pcx-${k - 1}`)]),
      ],
    })),
    securityGroups: vpcs.map((v, k) => ({
      groupId: `sg-${k}`,
      vpcId: v.id,
      tags: {},
      ingress: k === 0 ? [{ protocol: 'icmp', fromPort: -1, toPort: -1, cidr: '10.0.0.0/8' }] : [],
      egress: ALL_OUT,
    })),
    networkAcls: [],
  };
}

/** Milliseconds of one run in a fresh tree (build the replica, then `inside` in i-1's namespace). */
function timed(world: World, inside: string): { ms: number; status: number | null } {
  const started = performance.now();
  const run = runInPrivateTree(replicaScript(world, 'i-1', inside));
  return { ms: Math.round(performance.now() - started), status: run.status };
}

export function dataplaneTimes(smoke: boolean): void {
  say('## 7. Real packets: the kernel replica');
  say();
  const unavailable = dataplaneUnavailable();
  if (unavailable) {
    say(`Not measured: ${unavailable}.`);
    say();
    return;
  }
  say(
    'A fresh private namespace tree per row (unshare --user --map-root-user --net --mount), the replica built from ' +
      'facts, then in the first spoke server: nothing (`true`: the build alone), a ping that answers, a ping that ' +
      'does not (the hub lacks the return route), each `ping -c 3 -W 1`; the tree is gone after each row.',
  );
  say();
  const rows: Array<Array<string | number>> = [];
  for (const spokes of smoke ? [2] : [2, 49]) {
    const world = hubAndSpokes(spokes);
    const build = timed(world, 'true');
    const answered = timed(world, 'ping -c 3 -W 1 10.0.1.10');
    const silent = timed(hubAndSpokes(spokes, false), 'ping -c 3 -W 1 10.0.1.10');
    rows.push([
      spokes + 1,
      `${build.ms} ms`,
      `${answered.ms} ms (exit ${answered.status})`,
      `${silent.ms} ms (exit ${silent.status})`,
    ]);
  }
  table(['VPCs (servers)', 'build', 'build + ping that answers', 'build + ping that does not'], rows);
}
