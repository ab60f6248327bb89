/**
 * SDK clients, made once per region at module scope and traced. Every client honours
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 (the SDK reads them), which is how local runs reach moto.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { tracer } from './powertools/tracer.js';

/** Returns the EC2 client for a region (a peering's two VPCs may live in different regions). */
export type Ec2ForRegion = (region: string) => EC2Client;

const ec2Clients = new Map<string, EC2Client>();

export const ec2For: Ec2ForRegion = (region) => {
  let client = ec2Clients.get(region);
  if (!client) {
    client = tracer.captureAWSv3Client(new EC2Client({ region }));
    ec2Clients.set(region, client);
  }
  return client;
};

/** Returns the SSM client for a region (the probe runs where its source instance lives). */
export type SsmForRegion = (region: string) => SSMClient;

const ssmClients = new Map<string, SSMClient>();

export const ssmFor: SsmForRegion = (region) => {
  let client = ssmClients.get(region);
  if (!client) {
    client = tracer.captureAWSv3Client(new SSMClient({ region }));
    ssmClients.set(region, client);
  }
  return client;
};

/** The region the workflow runs in (where the peering is described first). */
export function homeRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

let account: Promise<string> | undefined;

/** The caller's account id ("this account" for the accept policy), looked up once per process. */
export function callerAccount(): Promise<string> {
  account ??= tracer
    .captureAWSv3Client(new STSClient({ region: homeRegion() }))
    .send(new GetCallerIdentityCommand({}))
    .then((r) => {
      if (!r.Account) throw new Error('STS GetCallerIdentity returned no Account');
      return r.Account;
    })
    .catch((error: unknown) => {
      account = undefined;
      throw error;
    });
  return account;
}

/** True when an AWS SDK error carries one of the given error codes. */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; Code?: unknown };
  return codes.some((c) => e.name === c || e.Code === c);
}
