/**
 * The sweep at scale, on moto: N configured peerings, one sweep with nothing drifted, then one with
 * 1% drifted (a route deleted with no event). Calls are what moto answered; AWS pages by MaxResults,
 * so the AWS call count is computed from what the pages held and each API's page size.
 */

import { performance } from 'node:perf_hooks';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { callerAccount, ec2Clients } from '../functions/commons/aws-clients.js';
import { PAGE_SIZES } from '../functions/commons/ec2-place.js';
import type { StarterResult } from '../functions/starter/starter.js';

import { starterHarness, sweepWith } from '../local/local-starter.js';
import { resetMoto } from '../local/moto.js';
import { PRICE } from './cost.js';
import { goals, say, table } from './output.js';
import { buildEstate, driftSome } from './sweep-estate.js';

/** Describe latency assumed for AWS (moto answers in a few ms), per call, for the duration estimate. */
const AWS_CALL_SECONDS = 0.2;
const SWEEPS_PER_MONTH = 4 * 24 * 30;

type Sweep = NonNullable<StarterResult['sweep']>;

/** Pages AWS needs for what one pass read (largest page per API). */
export function awsPages(items: Sweep['items']): number {
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  return (
    pages(items.peerings, PAGE_SIZES.peerings) +
    pages(items.vpcs, PAGE_SIZES.vpcs) +
    pages(items.routeTables, PAGE_SIZES.routeTables) +
    pages(items.securityGroups, PAGE_SIZES.securityGroups)
  );
}

export async function sweepAtScale(ec2: EC2Client, endpoint: string, sizes: readonly number[]) {
  say('## 5. The sweep at scale');
  say();
  say(
    'N configured peerings (groups of ten spoke VPCs peered with a hub; every VPC with a main route table and one ' +
      'or two subnet tables; routes both ways, the hub group opened by our rule, status `configured` just checked), ' +
      'written straight into moto. Then the real starter handles `{"sweep": true}`: one pass of paginated describe ' +
      'calls per (account, region), the planner in memory, StartExecution only where needed (moto Step Functions). ' +
      'First with nothing drifted, then with 1% of the peerings drifted (a managed route deleted with no event). ' +
      `"AWS calls" are the pages AWS would need for the same items (MaxResults: peerings ${PAGE_SIZES.peerings}, ` +
      `VPCs ${PAGE_SIZES.vpcs}, route tables ${PAGE_SIZES.routeTables}, groups ${PAGE_SIZES.securityGroups}); moto ` +
      'answers some of them in one page.',
  );
  say();
  const hub = await callerAccount();
  const accounts = { hub, members: [], memberRole: 'PeeringAutopilotMember', partition: 'aws' };
  const rows: Array<Array<string | number>> = [];
  let atLargest: { n: number; pages: number; seconds: number } | undefined;
  for (const n of sizes) {
    await resetMoto(endpoint);
    const built = performance.now();
    const estate = await buildEstate(ec2, n);
    const buildSeconds = (performance.now() - built) / 1000;
    const harness = await starterHarness(endpoint);
    const run = async (label: string) => {
      const started = performance.now();
      const result = await sweepWith(harness, {
        ec2For: ec2Clients(accounts, `bench-${label}-${n}`),
        home: { ownerId: hub, region: 'us-east-1' },
        places: [{ ownerId: hub, region: 'us-east-1' }],
      });
      return { result, seconds: (performance.now() - started) / 1000 };
    };
    const clean = await run('clean');
    const drifted = await driftSome(ec2, estate, Math.max(1, Math.round(n / 100)));
    const dirty = await run('drifted');
    for (const [label, r, expected] of [
      ['nothing drifted', clean, 0],
      [`${drifted.length} drifted`, dirty, drifted.length],
    ] as const) {
      const s = r.result.sweep as Sweep;
      const pages = awsPages(s.items);
      rows.push([
        n,
        label,
        `${s.items.vpcs} / ${s.items.routeTables} / ${s.items.securityGroups}`,
        s.calls,
        pages,
        r.result.started.length,
        r.seconds.toFixed(2),
      ]);
      goals.push({
        name: `sweep, N = ${n}, ${label}: executions = ${expected}`,
        figure: `${r.result.started.length}`,
        pass: r.result.started.length === expected,
      });
      if (expected === 0) atLargest = { n, pages, seconds: r.seconds };
    }
    say(`N = ${n}: estate built in ${buildSeconds.toFixed(0)} s.`);
  }
  say();
  table(
    ['N', 'sweep', 'VPCs / route tables / groups', 'calls (moto)', 'AWS calls', 'executions', 'wall s'],
    rows,
  );
  if (!atLargest) return;
  const seconds = Math.max(atLargest.seconds, atLargest.pages * AWS_CALL_SECONDS);
  const gbs = seconds * (256 / 1024);
  const monthly = SWEEPS_PER_MONTH * (gbs * PRICE.gbSecond + PRICE.request);
  say();
  say(
    `Cost of the sweep at N = ${atLargest.n}, every 15 minutes (${SWEEPS_PER_MONTH.toLocaleString('en-US')} sweeps a month), ` +
      `nothing drifted: one starter invocation of max(${atLargest.seconds.toFixed(2)} s measured, ${atLargest.pages} calls x ` +
      `${AWS_CALL_SECONDS} s) = ${seconds.toFixed(2)} s at 256 MB = ${gbs.toFixed(3)} GB-s; ` +
      `${SWEEPS_PER_MONTH} x (${gbs.toFixed(3)} GB-s x $0.0000133334 + $0.0000002) = **$${monthly.toFixed(3)} per month**; ` +
      'the describe calls are free and no execution starts. (The four sweep metrics are CloudWatch custom metrics at ' +
      '$0.30 each per month whatever the rate; the old hourly sweep cost one execution per peering per hour: ' +
      `${(atLargest.n * 24 * 30).toLocaleString('en-US')} executions a month at N = ${atLargest.n}.)`,
  );
  say();
  goals.push({
    name: `sweep, N = ${atLargest.n}, nothing drifted: <= 40 AWS calls`,
    figure: `${atLargest.pages}`,
    pass: atLargest.pages <= 40 || atLargest.n < 1000,
  });
  goals.push({
    name: `sweep every 15 minutes at N = ${atLargest.n}: < $1 a month`,
    figure: `$${monthly.toFixed(3)}`,
    pass: monthly < 1,
  });
}
