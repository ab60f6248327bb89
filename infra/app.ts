/**
 * CDK app: `npx cdk deploy` deploys the autopilot into the account and region of your AWS
 * profile. cdk-nag's AwsSolutions pack runs on every synth.
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PeeringAutopilotStack } from './peering-autopilot-stack.js';

const app = new App();
new PeeringAutopilotStack(app, 'PeeringAutopilot', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Peering Autopilot: event-driven, self-healing VPC peering automation',
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
