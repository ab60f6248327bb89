/**
 * Local-integration support: the moto endpoint the test command started (MOTO_ENDPOINT), SDK
 * clients pointed at it, a state reset, a byte-level state snapshot, and readers for routes and rules.
 */
import {
  CreateTagsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { answerAs, resetMoto, useLocalAws } from '../../local/moto.js';

export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: run integration tests through `npm test`');
  return endpoint;
}

/** Points every SDK client of this process at moto; one attempt, so moto's 500s fail fast. */
export function useMoto(): {
  endpoint: string;
  ec2: EC2Client;
  ec2In: (region: string, account?: string) => EC2Client;
} {
  const endpoint = motoEndpoint();
  useLocalAws(endpoint);
  process.env.AWS_MAX_ATTEMPTS = '1';
  const ec2In = (region: string, account?: string) => {
    const client = new EC2Client({ region, endpoint });
    return account ? answerAs(client, account) : client;
  };
  return { endpoint, ec2: ec2In('us-east-1'), ec2In };
}

export async function reset(): Promise<void> {
  await resetMoto(motoEndpoint());
}

/**
 * Every resource moto holds, serialised: equal strings mean nothing changed. Model classes with
 * no instances are dropped: moto registers them lazily as its modules load, which is not state.
 */
export async function motoState(): Promise<string> {
  const res = await fetch(`${motoEndpoint()}/moto-api/data.json`);
  const data = (await res.json()) as Record<string, Record<string, unknown[]>>;
  const kept: Record<string, Record<string, unknown[]>> = {};
  for (const [service, models] of Object.entries(data)) {
    for (const [model, items] of Object.entries(models)) {
      if (items.length === 0) continue;
      kept[service] = { ...kept[service], [model]: items };
    }
  }
  return JSON.stringify(kept);
}

/** Names the moto models (service.Model) that differ between two snapshots, for readable failures. */
export function changedModels(before: string, after: string): string[] {
  const a = JSON.parse(before) as Record<string, Record<string, unknown>>;
  const b = JSON.parse(after) as Record<string, Record<string, unknown>>;
  const changed: string[] = [];
  for (const service of new Set([...Object.keys(a), ...Object.keys(b)])) {
    for (const model of new Set([...Object.keys(a[service] ?? {}), ...Object.keys(b[service] ?? {})])) {
      if (JSON.stringify(a[service]?.[model]) !== JSON.stringify(b[service]?.[model]))
        changed.push(`${service}.${model}`);
    }
  }
  return changed;
}

/** Every CIDR route of a VPC's tables: table, destination, target. */
export async function routesIn(client: EC2Client, vpcId: string) {
  const out = await client.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  return (out.RouteTables ?? []).flatMap((t) =>
    (t.Routes ?? []).map((r) => ({
      table: t.RouteTableId,
      dest: r.DestinationCidrBlock,
      target: r.VpcPeeringConnectionId ?? r.GatewayId,
    })),
  );
}

/** A group's CIDR ingress as `protocol cidr` lines. */
export async function ingressOf(client: EC2Client, groupId: string) {
  const out = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (out.SecurityGroups?.[0]?.IpPermissions ?? []).flatMap((p) =>
    (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${r.CidrIp}`),
  );
}

/** Tags resources with one key and value (what a person does in the console). */
export function tag(client: EC2Client, resources: string | readonly string[], key: string, value: string) {
  return client.send(
    new CreateTagsCommand({
      Resources: typeof resources === 'string' ? [resources] : [...resources],
      Tags: [{ Key: key, Value: value }],
    }),
  );
}
