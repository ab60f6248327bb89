/**
 * The deployable app stack: only the PeeringAutopilot construct, configured from cdk.json
 * context (`peering-autopilot:*` keys), validated here so a typo fails `cdk synth` loudly.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PeeringAutopilot } from './peering-autopilot.js';
import type { AcceptPolicy, DnsResolution, OutsideAccounts } from './props.js';

export class PeeringAutopilotStack extends Stack {
  public readonly autopilot: PeeringAutopilot;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const ctx = (key: string): string | undefined => {
      const value = this.node.tryGetContext(`peering-autopilot:${key}`);
      return value === undefined || value === '' ? undefined : String(value);
    };
    const regions = ctx('regions')
      ?.split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const members = ctx('members')
      ?.split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    const organizationId = ctx('organizationId');
    const dnsResolution = ctx('dnsResolution');
    const outsideAccounts = ctx('outsideAccounts');
    const memberRoleName = ctx('memberRoleName');
    const email = ctx('alarmEmail');
    const sweep = ctx('sweepRate');
    this.autopilot = new PeeringAutopilot(this, 'PeeringAutopilot', {
      acceptPolicy: (ctx('acceptPolicy') ?? 'same-account') as AcceptPolicy,
      ...(email ? { alarmEmail: email } : {}),
      ...(regions && regions.length > 0 ? { regions } : {}),
      ...(members && members.length > 0 ? { members } : {}),
      ...(organizationId ? { organizationId } : {}),
      ...(dnsResolution ? { dnsResolution: dnsResolution as DnsResolution } : {}),
      ...(outsideAccounts ? { outsideAccounts: outsideAccounts as OutsideAccounts } : {}),
      ...(memberRoleName ? { memberRoleName } : {}),
      ...(sweep ? { sweepRate: parseRate(sweep) } : {}),
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.autopilot.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.autopilot.alarmTopic.topicArn });
    new CfnOutput(this, 'ApproverPolicyArn', { value: this.autopilot.approverPolicy.managedPolicyArn });
  }
}

/** Parses "30 minutes", "1 hour", "2 hours", "1 day" (the cdk.json `sweepRate` context). */
export function parseRate(text: string): Duration {
  const m = /^\s*(\d+)\s*(minute|minutes|hour|hours|day|days)\s*$/.exec(text);
  if (!m)
    throw new Error(`peering-autopilot:sweepRate must look like "30 minutes" or "1 hour", got "${text}"`);
  const n = Number(m[1]);
  const unit = m[2] as string;
  return unit.startsWith('minute')
    ? Duration.minutes(n)
    : unit.startsWith('hour')
      ? Duration.hours(n)
      : Duration.days(n);
}
