/**
 * One wording for probes and path verdicts, used by Verify's SNS message and by the CLI: a person
 * reads the same sentence in an alarm e-mail and in a terminal.
 */

import type { PathVerdict } from './path-model.js';
import type { Probe } from './ping.js';

/** `ping MarketingServer -> FinanceServer 172.31.1.4: failed (0/3 replies, 100% loss) [3 sent, 0 received, 100% loss]` */
export function probeText(p: Probe): string {
  const figures = p.ping
    ? ` [${p.ping.transmitted} sent, ${p.ping.received} received, ${p.ping.lossPercent}% loss]`
    : '';
  return `ping ${p.sourceName ?? p.source ?? '(no source)'} -> ${p.targetName ?? p.target} ${p.targetIp}: ${p.status} (${p.reason})${figures}`;
}

/** `static path diagnosis A -> B (from described state, not a measurement): path complete | MISSING: …` */
export function verdictText(d: PathVerdict): string {
  return `static path diagnosis ${d.source} -> ${d.target} (from described state, not a measurement): ${d.reachable ? 'path complete' : `MISSING: ${d.missing}`}`;
}

/**
 * Who must act on a blocked path: the autopilot repairs only what it owns (a route in a table it
 * manages, a rule an opted-in group asks for), once; anything else is a person's job.
 */
export function whoMustAct(d: PathVerdict): string | undefined {
  if (d.reachable) return undefined;
  return d.repairable
    ? 'the autopilot owns this fix and tried it once; if it is still missing, check its permissions and the execution'
    : 'a person must fix this: the autopilot never changes network ACLs, instance state, or routes and rules it does not own';
}
