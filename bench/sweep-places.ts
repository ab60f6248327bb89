/**
 * The sweep across an organization's places (issue 19 §1): A accounts (the hub and A-1 members,
 * reached through STS AssumeRole as in AWS) x R regions, each (account, region) with its own small
 * estate, plus one member whose role cannot be assumed. The real starter logic reads the places a
 * few at a time, each on its own; the figures are extrapolated to 100 accounts x 4 regions.
 */

import { performance } from 'node:perf_hooks';
import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { callerAccount, type Ec2For, ec2Clients } from '../functions/commons/aws-clients.js';
import { PLACE_DEADLINE_MS, SWEEP_CONCURRENCY } from '../functions/starter/sweep.js';

import { starterHarness, sweepWith } from '../local/local-starter.js';
import { resetMoto } from '../local/moto.js';
import { PRICE } from './cost.js';
import { goals, say, table } from './output.js';
import { awsPages } from './sweep.js';
import { buildEstate } from './sweep-estate.js';

/** Describe latency assumed for AWS per call, and an AssumeRole, for the wall-time estimate. */
const AWS_CALL_SECONDS = 0.2;
const ASSUME_ROLE_SECONDS = 0.3;
const SWEEPS_PER_MONTH = 4 * 24 * 30;
const TARGET = { accounts: 100, regions: 4 };
const STARTER_TIMEOUT_SECONDS = 300;

/** An EC2 client acting in `account` and `region` (a member through AssumeRole, as moto allows). */
async function clientIn(hub: string, account: string, region: string): Promise<EC2Client> {
  if (account === hub) return new EC2Client({ region });
  const out = await new STSClient({ region }).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/bench`, RoleSessionName: 'bench' }),
  );
  const c = out.Credentials;
  return new EC2Client({
    region,
    credentials: {
      accessKeyId: c?.AccessKeyId as string,
      secretAccessKey: c?.SecretAccessKey as string,
      sessionToken: c?.SessionToken as string,
    },
  });
}

export async function sweepAcrossPlaces(
  endpoint: string,
  shape: { accounts: number; regions: number; peeringsPerPlace: number },
) {
  say('## 6. The sweep across accounts and regions');
  say();
  await resetMoto(endpoint);
  const hub = await callerAccount();
  const members = Array.from({ length: shape.accounts - 1 }, (_, i) => String(111111111111 + i * 1000));
  const broken = '999999999999';
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'].slice(0, shape.regions);
  const places = [hub, ...members].flatMap((ownerId) => regions.map((region) => ({ ownerId, region })));
  const built = performance.now();
  for (const p of places) await buildEstate(await clientIn(hub, p.ownerId, p.region), shape.peeringsPerPlace);
  const buildSeconds = (performance.now() - built) / 1000;
  const accounts = {
    hub,
    members: [...members, broken],
    memberRole: 'PeeringAutopilotMember',
    partition: 'aws',
  };
  const real = ec2Clients(accounts, 'bench-places');
  // The broken member answers nothing (a closed port): its role cannot be reached.
  const dead = new EC2Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    maxAttempts: 1,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const ec2For: Ec2For = (p) => (p.ownerId === broken ? dead : real(p));
  const all = [...places, ...regions.map((region) => ({ ownerId: broken, region }))];
  const harness = await starterHarness(endpoint);
  const started = performance.now();
  const result = await sweepWith(harness, {
    ec2For,
    home: { ownerId: hub, region: 'us-east-1' },
    places: all,
    members: accounts.members,
    regions,
  });
  const seconds = (performance.now() - started) / 1000;
  const sweep = result.sweep;
  if (!sweep) throw new Error('the sweep reported nothing');
  // What AWS would page per place (each place is read on its own: at least one call per type).
  const per = (n: number) => Math.ceil(n / places.length);
  const perPlacePages = awsPages({
    peerings: per(sweep.items.peerings),
    vpcs: per(sweep.items.vpcs),
    routeTables: per(sweep.items.routeTables),
    securityGroups: per(sweep.items.securityGroups),
  });
  say(
    `${shape.accounts} accounts (the hub and ${members.length} members) x ${regions.length} regions = ${places.length} places, ` +
      `each with ${shape.peeringsPerPlace} configured peerings (built in ${buildSeconds.toFixed(0)} s), plus one member ` +
      `(${broken}) whose role cannot be reached in any of its ${regions.length} regions. One sweep through the real starter ` +
      `logic: ${SWEEP_CONCURRENCY} places at a time, each within ${PLACE_DEADLINE_MS / 1000} s.`,
  );
  say();
  table(
    ['places', 'failed places', 'peerings checked', 'calls (moto)', 'AWS calls', 'executions', 'wall s'],
    [
      [
        all.length,
        sweep.failedPlaces.length,
        sweep.checked,
        sweep.calls,
        Math.round(perPlacePages * places.length),
        result.started.length,
        seconds.toFixed(2),
      ],
    ],
  );
  // 400 places: every place's pages at the assumed AWS latency, AssumeRole once per member account
  // and session, spread over the concurrent lanes; the measured moto time per place as the floor.
  const target = TARGET.accounts * TARGET.regions;
  const perPlaceSeconds = Math.max(
    seconds / (all.length / SWEEP_CONCURRENCY),
    perPlacePages * AWS_CALL_SECONDS,
  );
  const wall =
    (target / SWEEP_CONCURRENCY) * perPlaceSeconds +
    ((TARGET.accounts - 1) * ASSUME_ROLE_SECONDS) / SWEEP_CONCURRENCY;
  const gbs = wall * (256 / 1024);
  const monthly = SWEEPS_PER_MONTH * (gbs * PRICE.gbSecond + PRICE.request);
  const calls = Math.round(perPlacePages * target) + (TARGET.accounts - 1);
  say(
    `Estimate for ${TARGET.accounts} accounts x ${TARGET.regions} regions = ${target} places with ${shape.peeringsPerPlace} ` +
      `peerings each: ${calls} AWS calls a sweep (${perPlacePages} describe pages a place + one AssumeRole per ` +
      `member), wall time ${target} / ${SWEEP_CONCURRENCY} lanes x ${perPlaceSeconds.toFixed(2)} s a place + AssumeRoles = ` +
      `**${wall.toFixed(0)} s** (starter timeout ${STARTER_TIMEOUT_SECONDS} s, sweep period 900 s); a place that never ` +
      `answers holds one lane at most ${PLACE_DEADLINE_MS / 1000} s. Cost: ${gbs.toFixed(1)} GB-s at 256 MB a sweep, ` +
      `${SWEEPS_PER_MONTH} sweeps = **$${monthly.toFixed(2)} per month** (describe and AssumeRole calls are free).`,
  );
  say();
  goals.push({
    name: 'sweep: an unreachable member is reported, every other place swept',
    figure: `${sweep.failedPlaces.length} failed of ${all.length}`,
    pass:
      sweep.failedPlaces.length === regions.length &&
      sweep.failedPlaces.every((f) => f.place.ownerId === broken),
  });
  goals.push({
    name: `sweep of ${target} places within the starter's ${STARTER_TIMEOUT_SECONDS} s (estimate)`,
    figure: `${wall.toFixed(0)} s`,
    pass: wall < STARTER_TIMEOUT_SECONDS,
  });
}
