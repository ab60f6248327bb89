// The same app in CommonJS JavaScript.
const { App, Aspects, Stack } = require('aws-cdk-lib');
const { AccountRootPrincipal, Role } = require('aws-cdk-lib/aws-iam');
const { AwsSolutionsChecks } = require('cdk-nag');
const {
  AcceptPolicy,
  DnsResolution,
  OutsideAccounts,
  PeeringAutopilot,
  PeeringAutopilotMemberStack,
  PeeringAutopilotStack,
  RunOutcome,
  TagKeys,
} = require('peering-autopilot');

const app = new App();
const env = { account: '123456789012', region: 'eu-west-1' };
new PeeringAutopilotStack(app, 'Hub', { env });
const withMembers = new Stack(app, 'HubWithMembers', { env });
const autopilot = new PeeringAutopilot(withMembers, 'PeeringAutopilot', {
  alarmEmail: 'netops@example.com',
  acceptPolicy: AcceptPolicy.TAGGED_ONLY,
  dnsResolution: DnsResolution.ALWAYS,
  outsideAccounts: OutsideAccounts.APPROVE,
  members: ['111111111111', '222222222222'],
  regions: ['eu-west-1', 'us-east-1'],
});
// The people who decide about waiting peerings get the exported approver policy.
new Role(withMembers, 'Approvers', {
  assumedBy: new AccountRootPrincipal(),
  managedPolicies: [autopilot.approverPolicy],
});
new PeeringAutopilotMemberStack(app, 'Member', { env: { account: '111111111111', region: 'eu-west-1' } });
try {
  new PeeringAutopilot(new Stack(new App(), 'Bad', { env }), 'PeeringAutopilot', { members: ['123'] });
} catch (e) {
  console.error(`props error: ${e.message}`);
}
console.error(`names: ${JSON.stringify({ outcomes: RunOutcome.ALL, ingress: TagKeys.INGRESS })}`);
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
