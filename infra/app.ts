/**
 * CDK app: `npx cdk deploy` deploys the autopilot into the account and region of your AWS
 * profile. cdk-nag's AwsSolutions pack runs on every synth.
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DemoNetworkStack } from './demo-network-stack.js';
import { PeeringAutopilotStack } from './peering-autopilot-stack.js';

const app = new App();
new PeeringAutopilotStack(app, 'PeeringAutopilot', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Peering Autopilot: event-driven, self-healing VPC peering automation',
});
// The tutorial's three VPCs and servers, for a real trial (`cdk deploy PeeringAutopilotDemoNetwork`).
new DemoNetworkStack(app, 'PeeringAutopilotDemoNetwork', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Peering Autopilot demo: the Connecting VPCs tutorial network (Marketing, Developer, Finance)',
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
