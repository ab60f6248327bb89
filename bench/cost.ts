/**
 * What runs cost, from the transitions and Task time measured in the same bench run, at AWS's
 * public prices.
 */
import type { LocalRunOutcome } from '../local/local-runner.js';
import { goals, say } from './output.js';

// Public prices (us-east-1, Nov 2026): https://aws.amazon.com/step-functions/pricing/ ,
// https://aws.amazon.com/lambda/pricing/ (arm64).
export const PRICE = { transition: 0.025 / 1000, gbSecond: 0.0000133334, request: 0.2 / 1_000_000 };
const MEMORY_GB = 256 / 1024;

/** States entered by one execution (each is a billed transition). */
export function statesEntered(outcome: LocalRunOutcome): number {
  return outcome.events.filter((e) => e.type === 'StateEntered').length;
}

/** Milliseconds spent inside Task states (the Lambda invocations), from the execution events. */
export function taskMillis(outcome: LocalRunOutcome): number {
  let total = 0;
  const open = new Map<string, number>();
  for (const e of outcome.events as Array<{
    type: string;
    timestamp: number;
    state?: { name: string; type?: string };
  }>) {
    if (!e.state) continue;
    if (e.type === 'StateEntered') open.set(e.state.name, e.timestamp);
    if (e.type === 'StateExited' || e.type === 'StateFailed') {
      const start = open.get(e.state.name);
      if (
        start !== undefined &&
        /^(Inspect|Accept|CheckActivation|Plan|Apply|Verify|Cleanup|Report)/.test(e.state.name)
      ) {
        total += e.timestamp - start;
      }
    }
  }
  return total;
}

export function cost(seed: Array<{ label: string; transitions: number; taskMs: number }>) {
  say('## 4. Cost');
  say();
  const happy = seed[0] as (typeof seed)[number];
  const rerun = seed[2] as (typeof seed)[number];
  const gbs = (ms: number) => (ms / 1000) * MEMORY_GB;
  const lambdaCalls = (n: number) => n * PRICE.request;
  const perRun = (t: { transitions: number; taskMs: number }, invocations: number) =>
    t.transitions * PRICE.transition + gbs(t.taskMs) * PRICE.gbSecond + lambdaCalls(invocations);
  const happyCost = perRun(happy, 6);
  const rerunCost = perRun(rerun, 4);
  say(
    `State transitions (states entered) per happy-path run: **${happy.transitions}**; per no-change re-run: **${rerun.transitions}**. ` +
      `Lambda time inside Task states, measured locally against moto: ${happy.taskMs} ms (happy path), ${rerun.taskMs} ms (re-run), ` +
      `at 256 MB = ${gbs(happy.taskMs).toFixed(4)} and ${gbs(rerun.taskMs).toFixed(4)} GB-s. Real AWS calls take longer than moto's, ` +
      'so treat the GB-s as a lower bound; a verification that waits for a real ping adds about count + 1 seconds to the Verify step.',
  );
  say();
  say(
    'Arithmetic (Step Functions Standard $0.025 per 1,000 transitions; Lambda arm64 $0.0000133334 per GB-s, $0.20 per 1M requests):',
  );
  say();
  say(
    `- happy path: ${happy.transitions} x $0.000025 + ${gbs(happy.taskMs).toFixed(4)} GB-s x $0.0000133334 + 6 requests x $0.0000002 = **$${happyCost.toFixed(6)}**`,
  );
  say(
    `- re-run: ${rerun.transitions} x $0.000025 + ${gbs(rerun.taskMs).toFixed(4)} GB-s x $0.0000133334 + 4 requests x $0.0000002 = **$${rerunCost.toFixed(6)}**`,
  );
  // The sweep starts runs only where needed: a daily re-verification per peering (a run that pings,
  // priced here as a full first run, an upper bound) and the drift that really happens.
  const peerings = 20;
  const reverifies = 30;
  const driftRuns = 4;
  const sweepInvocation = 2880 * (4 * 0.2 * MEMORY_GB * PRICE.gbSecond + PRICE.request);
  const monthly = peerings * (reverifies + driftRuns) * happyCost + sweepInvocation;
  say(
    `- a typical month, ${peerings} managed peerings: ${reverifies} daily re-verification runs + ~${driftRuns} drift runs ` +
      `per peering x $${happyCost.toFixed(6)} + 2,880 sweeps (every 15 minutes, 4 describe calls, ~0.8 s each) = ` +
      `**$${monthly.toFixed(2)} per month** (plus CloudWatch alarms at $0.10 each, custom metrics at $0.30 each and log ` +
      'storage). The hourly sweep this replaced started one run per peering per hour: ' +
      `${(peerings * 24 * 30).toLocaleString('en-US')} re-runs x $${rerunCost.toFixed(6)} = $${(peerings * 24 * 30 * rerunCost).toFixed(2)}.`,
  );
  say();
  goals.push({
    name: 'happy path <= 25 state transitions',
    figure: `${happy.transitions}`,
    pass: happy.transitions <= 25,
  });
}
