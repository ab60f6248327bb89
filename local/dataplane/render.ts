/**
 * Renders a described AWS network (the facts the static diagnosis reads) as a Linux kernel replica:
 * the shell commands that build it inside a private namespace tree (local/dataplane/sandbox.ts).
 * Pure: facts in, commands out.
 *
 * The model, and where it differs from AWS without changing reachability:
 * - Each instance is a network namespace `i<n>` with one link `eth<k>` per network interface (ENI,
 *   device order), each holding the ENI's private addresses as /32s. The default route is through
 *   169.254.0.1 (the VPC router's link-local address) on `eth0`, so a ping leaves from the primary
 *   interface; a packet from a secondary interface's address leaves by that interface (`ip rule
 *   from`, as Amazon Linux configures secondary ENIs), which AWS's source/destination check
 *   requires. AWS puts the subnet's prefix on the ENI; with /32s every packet, same-subnet ones
 *   too, goes through the router, which AWS's own implied router also does (routing, security
 *   groups and NACLs decide alike). An instance OS routing a peer's block out of a secondary ENI
 *   would leave from there instead: the replica and the diagnosis both take the primary.
 * - Each VPC is a router namespace `v<n>` (forwarding on). Each route table is a kernel table; each
 *   ENI's link selects its subnet's table (explicit association, else the VPC's main table) with
 *   `ip rule iif`. The `local` route becomes a /32 host route per address of the VPC (the
 *   local route cannot be overridden by a less specific one, as in AWS); routes to an active
 *   peering go to the peer router; routes to a peering that is not active, `blackhole` routes and
 *   every other target (internet gateway, NAT, …: nowhere to go here) are blackholes.
 * - A peering exists only while `active`: a veth pair between the two routers. Traffic arriving
 *   from a peering is delivered by the VPC's local routes only (its own table of host routes), so
 *   nothing transits a VPC (AWS: no transitive peering, no edge-to-edge routing).
 * - Security groups are stateful nftables rules in each instance's namespace, per interface (input
 *   for inbound, output for outbound, matched on the ENI's link; established and related traffic
 *   allowed; default deny). Group-reference sources expand to every address of the ENIs in that
 *   group (not of their instances' other ENIs); prefix-list sources to the
 *   list's entries. Outbound rules are the described ones only (a new group's default outbound
 *   rule, 0.0.0.0/0, is described like any other), as the static diagnosis reads them.
 * - Network ACLs are stateless nftables chains in the router, applied only where traffic leaves
 *   or enters a subnet: rules in rule-number order, first match wins, default deny. A subnet with
 *   no described ACL gets the AWS default (allow all).
 */

import { interfacesOf } from '../../functions/network/interfaces.js';
import type { RouteTableFacts, SecurityGroupFacts } from '../../functions/network/model.js';
import type { InstanceFacts, NaclFacts, PeeringFacts } from '../../functions/network/path-model.js';

/** A described network: what the replica is built from. */
export interface World {
  readonly instances: readonly InstanceFacts[];
  readonly peerings: readonly PeeringFacts[];
  readonly routeTables: readonly RouteTableFacts[];
  readonly securityGroups: readonly SecurityGroupFacts[];
  readonly networkAcls: readonly NaclFacts[];
  readonly prefixLists?: Readonly<Record<string, readonly string[]>>;
}

export interface Replica {
  /** Shell commands (bash, inside the private tree) that build it. */
  readonly commands: readonly string[];
  /** The namespace an instance lives in. */
  readonly namespaceOf: ReadonlyMap<string, string>;
}

const GATEWAY = '169.254.0.1';
const PROTOCOL_NUMBERS: Record<string, string> = { icmp: '1', tcp: '6', udp: '17', icmpv6: '58' };

/** An nftables match for a rule's traffic (protocol, ports or ICMP type/code); '' for all traffic. */
function trafficMatch(protocol: string, fromPort: number, toPort: number): string {
  const p = PROTOCOL_NUMBERS[protocol] ?? protocol;
  if (p === '-1' || p === 'all') return '';
  if (p === '1') {
    if (fromPort === -1) return 'ip protocol icmp';
    return toPort === -1 ? `icmp type ${fromPort}` : `icmp type ${fromPort} icmp code ${toPort}`;
  }
  const name = p === '6' ? 'tcp' : p === '17' ? 'udp' : undefined;
  if (!name) return `meta l4proto ${p}`;
  return fromPort === toPort ? `${name} dport ${fromPort}` : `${name} dport ${fromPort}-${toPort}`;
}

const ipv4 = (cidr: string) => !cidr.includes(':');

export function renderReplica(world: World): Replica {
  const commands: string[] = [];
  const vpcIds = [
    ...new Set([...world.instances.map((i) => i.vpcId), ...world.routeTables.map((t) => t.vpcId)]),
  ];
  const router = (vpcId: string) => `v${vpcIds.indexOf(vpcId)}`;
  const namespaceOf = new Map(world.instances.map((inst, n) => [inst.instanceId, `i${n}`]));
  // Every ENI with its router-side link `e<n>_<k>` and namespace-side link `eth<k>`.
  const enis = world.instances.flatMap((inst, n) =>
    interfacesOf(inst).map((eni, k) => ({ inst, eni, k, link: `e${n}_${k}`, dev: `eth${k}` })),
  );
  const running = enis.filter(({ inst }) => inst.state === 'running');
  const run = (ns: string, command: string) => commands.push(`ip netns exec ${ns} ${command}`);

  for (const vpcId of vpcIds) {
    const r = router(vpcId);
    commands.push(`ip netns add ${r}`);
    run(r, 'ip link set lo up');
    run(r, 'sysctl -qw net.ipv4.ip_forward=1');
  }

  // Instances: a namespace each, one link per ENI to their VPC's router.
  for (const inst of world.instances) {
    const ns = namespaceOf.get(inst.instanceId) as string;
    commands.push(`ip netns add ${ns}`);
    run(ns, 'ip link set lo up');
  }
  for (const { inst, eni, k, link, dev } of enis) {
    const ns = namespaceOf.get(inst.instanceId) as string;
    const r = router(inst.vpcId);
    commands.push(`ip link add ${link} netns ${r} type veth peer name ${dev} netns ${ns}`);
    if (inst.state === 'running') {
      for (const ip of eni.privateIps) run(ns, `ip addr add ${ip}/32 dev ${dev}`);
      run(ns, `ip link set ${dev} up`);
      if (k === 0) {
        run(ns, `ip route add ${GATEWAY} dev ${dev}`);
        run(ns, `ip route add default via ${GATEWAY} dev ${dev}`);
      } else {
        // What leaves from a secondary ENI's address leaves by that ENI (source/destination check).
        run(ns, `ip route add ${GATEWAY} dev ${dev} table ${100 + k}`);
        run(ns, `ip route add default via ${GATEWAY} dev ${dev} table ${100 + k}`);
        for (const ip of eni.privateIps) run(ns, `ip rule add from ${ip} lookup ${100 + k} priority 100`);
      }
    }
    run(r, `ip addr add ${GATEWAY}/32 dev ${link}`);
    run(r, `ip link set ${link} up`);
  }

  // Peerings: a link between the two routers while active.
  const peeringLinks = new Map<string, { a: string; b: string; aIp: string; bIp: string }>();
  world.peerings.forEach((p, k) => {
    if (p.status !== 'active' || !vpcIds.includes(p.requesterVpcId) || !vpcIds.includes(p.accepterVpcId))
      return;
    const link = { a: `p${k}a`, b: `p${k}b`, aIp: `169.254.${k + 1}.1`, bIp: `169.254.${k + 1}.2` };
    peeringLinks.set(p.id, link);
    const [ra, rb] = [router(p.requesterVpcId), router(p.accepterVpcId)];
    commands.push(`ip link add ${link.a} netns ${ra} type veth peer name ${link.b} netns ${rb}`);
    run(ra, `ip addr add ${link.aIp}/30 dev ${link.a}`);
    run(rb, `ip addr add ${link.bIp}/30 dev ${link.b}`);
    run(ra, `ip link set ${link.a} up`);
    run(rb, `ip link set ${link.b} up`);
  });

  // Local delivery: one table per VPC with a host route per instance (what arrives from a peering
  // reads only this), and the same routes in every route table of the VPC (the `local` route).
  const localTable = (vpcId: string) => 10 + vpcIds.indexOf(vpcId);
  const hostRoutes = (vpcId: string, table: number) => {
    for (const { inst, eni, link } of running) {
      if (inst.vpcId !== vpcId) continue;
      for (const ip of eni.privateIps) run(router(vpcId), `ip route add ${ip}/32 dev ${link} table ${table}`);
    }
  };
  for (const vpcId of vpcIds) hostRoutes(vpcId, localTable(vpcId));
  world.peerings.forEach((p) => {
    const link = peeringLinks.get(p.id);
    if (!link) return;
    run(
      router(p.requesterVpcId),
      `ip rule add iif ${link.a} lookup ${localTable(p.requesterVpcId)} priority 100`,
    );
    run(
      router(p.accepterVpcId),
      `ip rule add iif ${link.b} lookup ${localTable(p.accepterVpcId)} priority 100`,
    );
  });

  // Route tables.
  world.routeTables.forEach((rt, t) => {
    const table = 1000 + t;
    const r = router(rt.vpcId);
    const via = (destination: string, peeringId: string | undefined, state: string | undefined) => {
      const peering = world.peerings.find((p) => p.id === peeringId);
      const link = peeringId ? peeringLinks.get(peeringId) : undefined;
      if (state === 'blackhole' || !peering || !link)
        return run(r, `ip route add blackhole ${destination} table ${table}`);
      const ours = peering.requesterVpcId === rt.vpcId;
      run(
        r,
        `ip route add ${destination} via ${ours ? link.bIp : link.aIp} dev ${ours ? link.a : link.b} table ${table}`,
      );
    };
    for (const route of rt.routes) {
      if (!ipv4(route.destination)) continue;
      if (route.target === 'local') continue;
      via(route.destination, route.peeringConnectionId, route.state);
    }
    for (const route of rt.prefixListRoutes ?? []) {
      for (const entry of (world.prefixLists?.[route.prefixListId] ?? []).filter(ipv4)) {
        via(entry, route.peeringConnectionId, route.state);
      }
    }
    if (rt.routes.some((route) => route.target === 'local')) hostRoutes(rt.vpcId, table);
  });
  const tables = world.routeTables.map((rt, t) => ({ rt, table: 1000 + t }));
  for (const { inst, eni, link } of enis) {
    const chosen =
      tables.find(({ rt }) => rt.vpcId === inst.vpcId && rt.subnetIds.includes(eni.subnetId)) ??
      tables.find(({ rt }) => rt.vpcId === inst.vpcId && rt.main);
    if (chosen) run(router(inst.vpcId), `ip rule add iif ${link} lookup ${chosen.table} priority 200`);
  }

  // Security groups, per ENI.
  const membersOf = (groupId: string) =>
    running.filter(({ eni }) => eni.securityGroupIds.includes(groupId)).flatMap(({ eni }) => eni.privateIps);
  world.instances.forEach((inst) => {
    const ns = namespaceOf.get(inst.instanceId) as string;
    const rules = (direction: 'in' | 'out') => {
      const addr = direction === 'in' ? 'ip saddr' : 'ip daddr';
      const out: string[] = [];
      for (const { eni, dev } of enis.filter((e) => e.inst === inst)) {
        const on = `${direction === 'in' ? 'iifname' : 'oifname'} ${dev}`;
        const groups = world.securityGroups.filter((g) => eni.securityGroupIds.includes(g.groupId));
        for (const g of groups) {
          const cidrRules = direction === 'in' ? g.ingress : g.egress;
          const refRules = direction === 'in' ? g.ingressRefs : g.egressRefs;
          for (const rule of cidrRules ?? []) {
            if (ipv4(rule.cidr))
              out.push(
                `${on} ${addr} ${rule.cidr} ${trafficMatch(rule.protocol, rule.fromPort, rule.toPort)} accept`,
              );
          }
          for (const rule of refRules ?? []) {
            const sources = rule.groupId
              ? membersOf(rule.groupId)
              : (world.prefixLists?.[rule.prefixListId ?? ''] ?? []).filter(ipv4);
            if (sources.length === 0) continue;
            out.push(
              `${on} ${addr} { ${sources.join(', ')} } ${trafficMatch(rule.protocol, rule.fromPort, rule.toPort)} accept`,
            );
          }
        }
      }
      return out;
    };
    const chain = (name: string, hook: string, lo: string, body: string[]) =>
      `add chain inet sg ${name} { type filter hook ${hook} priority 0; policy drop; }\n` +
      `add rule inet sg ${name} ct state established,related accept\nadd rule inet sg ${name} ${lo} lo accept\n` +
      body.map((b) => `add rule inet sg ${name} ${b}`).join('\n');
    const script = [
      'add table inet sg',
      chain('in', 'input', 'iifname', rules('in')),
      chain('out', 'output', 'oifname', rules('out')),
    ];
    commands.push(`ip netns exec ${ns} nft -f - <<'NFT'\n${script.join('\n')}\nNFT`);
  });

  // Network ACLs, in each router, where traffic leaves or enters a subnet.
  for (const vpcId of vpcIds) {
    const r = router(vpcId);
    const inVpc = enis.filter(({ inst }) => inst.vpcId === vpcId);
    const subnets = [...new Set(inVpc.map(({ eni }) => eni.subnetId))];
    const lines = [
      'add table inet nacl',
      'add chain inet nacl boundary { type filter hook forward priority 0; policy accept; }',
    ];
    subnets.forEach((subnetId, s) => {
      // The subnet's ACL, else the VPC's default one (every subnet is associated with one).
      const acl =
        world.networkAcls.find((a) => a.vpcId === vpcId && a.subnetIds.includes(subnetId)) ??
        world.networkAcls.find((a) => a.vpcId === vpcId && a.isDefault);
      const ifs = inVpc.filter(({ eni }) => eni.subnetId === subnetId).map(({ link }) => link);
      const set = `{ ${ifs.join(', ')} }`;
      for (const [direction, egress] of [
        ['out', true],
        ['in', false],
      ] as const) {
        const name = `subnet${s}_${direction}`;
        lines.push(`add chain inet nacl ${name}`);
        const entries = acl
          ? acl.entries
              .filter((e) => e.egress === egress && ipv4(e.cidr))
              .sort((a, b) => a.ruleNumber - b.ruleNumber)
          : [
              {
                protocol: '-1',
                cidr: '0.0.0.0/0',
                action: 'allow' as const,
                icmpType: undefined,
                icmpCode: undefined,
              },
            ];
        for (const e of entries) {
          const addr = egress ? `ip daddr ${e.cidr}` : `ip saddr ${e.cidr}`;
          const icmp =
            e.protocol === '1' && e.icmpType !== undefined && e.icmpType !== -1
              ? trafficMatch('icmp', e.icmpType, e.icmpCode ?? -1)
              : e.protocol === '-1'
                ? ''
                : `meta l4proto ${e.protocol === '1' ? 'icmp' : e.protocol}`;
          // Allowed: return to the forward chain (the other subnet's ACL still applies).
          lines.push(
            `add rule inet nacl ${name} ${addr} ${icmp} ${e.action === 'allow' ? 'return' : 'drop'}`,
          );
        }
        lines.push(`add rule inet nacl ${name} drop`);
        lines.push(
          egress
            ? `add rule inet nacl boundary iifname ${set} oifname != ${set} jump ${name}`
            : `add rule inet nacl boundary oifname ${set} iifname != ${set} jump ${name}`,
        );
      }
    });
    commands.push(`ip netns exec ${r} nft -f - <<'NFT'\n${lines.join('\n')}\nNFT`);
  }
  return { commands, namespaceOf };
}
