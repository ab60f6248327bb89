/**
 * SDK clients, made once per region at module scope. Every client honours
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 (the SDK reads them), which is how local runs reach moto.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * Connection and request timeouts for every client: a hung endpoint becomes a one-line error in
 * bounded time (then the SDK's standard retries, then the state's), never a Lambda timeout.
 * The SDK builds its NodeHttpHandler from these options.
 */
export const CLIENT_TIMEOUTS = {
  // throwOnRequestTimeout: without it the Node handler only logs a warning when requestTimeout passes.
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 20_000, throwOnRequestTimeout: true },
} as const;

/**
 * One client per region, made on first use and kept for the container's life. Its uses are marked
 * pure so a bundle that never asks for SSM does not carry the SSM client (~80 KB).
 */
function perRegion<T>(make: (region: string) => T): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = make(region);
      clients.set(region, client);
    }
    return client;
  };
}

/** Returns the EC2 client for a region (a peering's two VPCs may live in different regions). */
export type Ec2ForRegion = (region: string) => EC2Client;
export const ec2For: Ec2ForRegion = /* @__PURE__ */ perRegion(
  (region) => new EC2Client({ region, ...CLIENT_TIMEOUTS }),
);

/** Returns the SSM client for a region (the probe runs where its source instance lives). */
export type SsmForRegion = (region: string) => SSMClient;
export const ssmFor: SsmForRegion = /* @__PURE__ */ perRegion(
  (region) => new SSMClient({ region, ...CLIENT_TIMEOUTS }),
);

/** The region the workflow runs in (where the peering is described first). */
export function homeRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/**
 * This account, from the function's own ARN (free: no STS call on the hot path). The local runner
 * gives its fake context the caller's real account, so local runs decide the same way.
 */
export function accountFromArn(invokedFunctionArn: string | undefined): string {
  const account = invokedFunctionArn?.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) {
    throw new Error(`cannot tell this account from the function ARN "${invokedFunctionArn}"`);
  }
  return account;
}

/** True when an AWS SDK error carries one of the given error codes. */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; Code?: unknown };
  return codes.some((c) => e.name === c || e.Code === c);
}
