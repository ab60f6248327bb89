/**
 * CDK app: `npx cdk deploy` deploys the autopilot into the account and region of your AWS
 * profile. cdk-nag's AwsSolutions pack runs on every synth. The functions are bundled from this
 * checkout's sources first (packaging/bundle.ts, the settings the published package is built with).
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { bundleAssets } from '../packaging/bundle.js';
import { DemoNetworkStack } from './demo-network-stack.js';
import { ASSETS_CONTEXT } from './handler-assets.js';
import { PeeringAutopilotMemberStack } from './peering-autopilot-member-stack.js';
import { PeeringAutopilotStack } from './peering-autopilot-stack.js';

const app = new App({ context: { [ASSETS_CONTEXT]: await bundleAssets() } });
new PeeringAutopilotStack(app, 'PeeringAutopilot', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Peering Autopilot: event-driven, self-healing VPC peering automation',
});
// Each member account and extra region: forwards events to the hub, and (members) the role it assumes.
// Environment-agnostic and bootstrap-free (see the stack), so its template also deploys as a StackSet.
new PeeringAutopilotMemberStack(app, 'PeeringAutopilotMember', {
  description:
    'Peering Autopilot member: forwards peering events to the hub and lets the hub configure this side',
});
// The tutorial's three VPCs and servers, for a real trial (`cdk deploy PeeringAutopilotDemoNetwork`).
new DemoNetworkStack(app, 'PeeringAutopilotDemoNetwork', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Peering Autopilot demo: the Connecting VPCs tutorial network (Marketing, Developer, Finance)',
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
