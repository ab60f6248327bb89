/**
 * The member stack: deployed in every member account and every extra region (the hub account's
 * too). `cdk deploy PeeringAutopilotMember -c hubAccount=… -c hubRegion=…`, or its synthesized
 * template as a CloudFormation StackSet with HubAccount and HubRegion as parameters. It needs no
 * CDK bootstrap: no assets, and no bootstrap-version rule in the template.
 */
import { CliCredentialsStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PeeringAutopilotMember } from './member.js';

export class PeeringAutopilotMemberStack extends Stack {
  public readonly member: PeeringAutopilotMember;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    // CLI credentials and no bootstrap-version rule: the template deploys as it is, StackSets included.
    super(scope, id, { synthesizer: new CliCredentialsStackSynthesizer(), ...props });
    const ctx = (key: string): string | undefined => {
      const value = this.node.tryGetContext(key);
      return value === undefined || value === '' ? undefined : String(value);
    };
    const hubAccount = ctx('hubAccount');
    const hubRegion = ctx('hubRegion');
    if (hubAccount !== undefined && !/^\d{12}$/.test(hubAccount)) {
      throw new Error(`-c hubAccount must be a 12-digit AWS account id, got "${hubAccount}"`);
    }
    if (hubRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(hubRegion)) {
      throw new Error(`-c hubRegion must be a region name such as "us-east-1", got "${hubRegion}"`);
    }
    const role = ctx('memberRoleName');
    // The hub's regions and members (else the Regions and MemberAccounts parameters).
    const list = (key: string) =>
      ctx(key)
        ?.split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
    const regions = list('regions');
    const members = list('members');
    for (const m of members ?? []) {
      if (!/^\d{12}$/.test(m)) throw new Error(`-c members must be 12-digit AWS account ids, got "${m}"`);
    }
    this.member = new PeeringAutopilotMember(this, 'PeeringAutopilotMember', {
      ...(hubAccount ? { hubAccount } : {}),
      ...(hubRegion ? { hubRegion } : {}),
      ...(role ? { memberRoleName: role } : {}),
      ...(regions ? { regions } : {}),
      ...(members ? { members } : {}),
    });
  }
}
