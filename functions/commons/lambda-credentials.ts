/**
 * The credential chain of the functions' bundles (esbuild aliases `@aws-sdk/credential-provider-node`
 * here, see `LAMBDA_BUNDLE`). Lambda hands the execution role's credentials to the function in
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN ("Defined runtime environment
 * variables", Lambda Developer Guide), so the chain's other sources (shared files, SSO, login,
 * process, container and instance metadata, web identity) can never answer there: leaving them out
 * keeps ~45 KB of dead code out of every bundle. Same exports as the package.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity } from '@aws-sdk/types';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);

export const credentialsWillNeedRefresh = (credentials: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined;

export const credentialsTreatedAsExpired = (credentials: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
