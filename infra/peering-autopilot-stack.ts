/**
 * The deployable app stack: only the PeeringAutopilot construct, configured from cdk.json
 * context (`peering-autopilot:*` keys), validated here so a typo fails `cdk synth` loudly.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type AcceptPolicy, PeeringAutopilot } from './peering-autopilot.js';

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
    const email = ctx('alarmEmail');
    this.autopilot = new PeeringAutopilot(this, 'PeeringAutopilot', {
      acceptPolicy: (ctx('acceptPolicy') ?? 'same-account') as AcceptPolicy,
      ...(email ? { alarmEmail: email } : {}),
      ...(regions && regions.length > 0 ? { regions } : {}),
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.autopilot.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.autopilot.alarmTopic.topicArn });
  }
}
