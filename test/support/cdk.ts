/**
 * Apps for template tests: the functions' code and the ASL come from the assets folder the jest
 * global setup builds from our sources (test/support/build-assets.mjs), read in place (no staging
 * copy into cdk.out: the tests assert templates, not asset bytes).
 */
import { App } from 'aws-cdk-lib';
import { ASSETS_CONTEXT } from '../../infra/handler-assets.js';
import { REPO_ASSETS } from '../../packaging/bundle.js';

export const TEST_CONTEXT: Readonly<Record<string, unknown>> = {
  [ASSETS_CONTEXT]: REPO_ASSETS,
  'aws:cdk:disable-asset-staging': true,
};

/** A CDK app for a template test, with `context` on top of TEST_CONTEXT. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...TEST_CONTEXT, ...context } });
}
