/**
 * SDK clients, made once per (account, region) at module scope. Every client honours
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 (the SDK reads them), which is how local runs reach moto.
 *
 * Each side of a peering is acted on as its owner: this (hub) account with the function's own
 * role, a member account through the member role (STS AssumeRole, credentials cached per container
 * and refreshed before they expire), and any other account never.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { actsAt, actsIn } from '../network/decision.js';

/**
 * Connection and request timeouts for every client: a hung endpoint becomes a one-line error in
 * bounded time (then the SDK's standard retries, then the state's), never a Lambda timeout.
 * The SDK builds its NodeHttpHandler from these options.
 */
export const CLIENT_TIMEOUTS = {
  // throwOnRequestTimeout: without it the Node handler only logs a warning when requestTimeout passes.
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 20_000, throwOnRequestTimeout: true },
} as const;

/** Where a call is made: the account that owns the resource and the region it lives in. */
export interface Place {
  readonly ownerId: string;
  readonly region: string;
}

/** Returns the EC2 client acting as a place's owner in its region. */
export type Ec2For = (place: Place) => EC2Client;
/** Returns the SSM client acting as a place's owner in its region (the probe runs where its source is). */
export type SsmFor = (place: Place) => SSMClient;

/** Who the functions act for: the hub account, its member accounts and the role to reach them. */
export interface Accounts {
  readonly hub: string;
  readonly members: readonly string[];
  readonly memberRole: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: member role ARNs are built in the hub's partition. */
  readonly partition: string;
  /** The regions members are acted on in (the construct's `regions`); absent: no bound. */
  readonly regions?: readonly string[];
}

/** Thrown when a step would act in an account that is neither the hub nor a member. */
export class ForeignAccountError extends Error {
  override name = 'ForeignAccountError';
}

/** Credentials are renewed this long before they expire (a call never signs with dying ones). */
const REFRESH_MS = 5 * 60_000;

/** Whose credentials a client signs with: `hub` (the function's own role) or a member account id. */
export type ClientOwner = 'hub' | string;
type ClientObserver = (client: object, owner: ClientOwner) => void;

const clientCache = new Map<string, { value: unknown; owner: ClientOwner }>();
const observers = new Set<ClientObserver>();
const isClient = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && 'send' in value;

function cached<T>(key: string, make: () => T, owner: ClientOwner = 'hub'): T {
  let entry = clientCache.get(key);
  if (entry === undefined) {
    entry = { value: make(), owner };
    clientCache.set(key, entry);
    if (isClient(entry.value)) for (const o of observers) o(entry.value, owner);
  }
  return entry.value as T;
}

/**
 * Hands every SDK client made so far, and each one made later, to `observer` with whose
 * credentials it signs (the local call recorder counts calls this way, per function and per
 * account). Returns the function that stops observing.
 */
export function observeClients(observer: ClientObserver): () => void {
  observers.add(observer);
  for (const { value, owner } of clientCache.values()) if (isClient(value)) observer(value, owner);
  return () => observers.delete(observer);
}

/**
 * Member-role credentials for one account and session, shared by every client of that pair and
 * refreshed before expiry. The session name names the peering, so the member's CloudTrail says
 * which peering each call was for.
 */
export function memberCredentials(
  roleArn: string,
  sessionName: string,
  sts: () => STSClient,
): AwsCredentialIdentityProvider {
  return cached(`creds|${roleArn}|${sessionName}`, () => {
    let current: Promise<AwsCredentialIdentity> | undefined;
    const assume = async (): Promise<AwsCredentialIdentity> => {
      const out = await sts().send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error(`AssumeRole ${roleArn} returned no credentials`);
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    };
    return async () => {
      const held = current ? await current.catch(() => undefined) : undefined;
      if (held && (!held.expiration || held.expiration.getTime() - Date.now() > REFRESH_MS)) return held;
      current = assume();
      return current;
    };
  });
}

/** A role session name from a label such as a peering id (STS allows [\w+=,.@-]{2,64}). */
export function sessionName(label: string): string {
  return `peering-autopilot-${label}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

const stsClient = () => cached('sts', () => new STSClient({ region: homeRegion(), ...CLIENT_TIMEOUTS }));

function credentialsFor(accounts: Accounts, place: Place, session: string) {
  const { ownerId } = place;
  if (ownerId === accounts.hub) return undefined;
  if (!actsIn(accounts, ownerId)) {
    throw new ForeignAccountError(
      `account ${ownerId} is neither this hub account ${accounts.hub} nor a member (${accounts.members.join(', ') || 'none configured'}); the autopilot never acts there`,
    );
  }
  if (!actsAt(accounts, place)) {
    throw new ForeignAccountError(
      `member ${ownerId} in ${place.region}: outside the configured regions (${accounts.regions?.join(', ')}); the autopilot never acts there`,
    );
  }
  const roleArn = `arn:${accounts.partition}:iam::${ownerId}:role/${accounts.memberRole}`;
  return memberCredentials(roleArn, session, stsClient);
}

function clientOptions(accounts: Accounts, session: string, place: Place) {
  const credentials = credentialsFor(accounts, place, sessionName(session));
  return { region: place.region, ...CLIENT_TIMEOUTS, ...(credentials ? { credentials } : {}) };
}

function clientKey(kind: string, accounts: Accounts, session: string, place: Place): string {
  const owner = ownerOf(accounts, place);
  return `${kind}|${owner === 'hub' ? owner : `${owner}|${sessionName(session)}`}|${place.region}`;
}

/** One key per (account, region): places that share it share a client and a describe call. */
export function placeKey(place: Place): string {
  return `${place.ownerId}|${place.region}`;
}

/** Clients of one kind for one run, cached per (account, region, session) for the container's life. */
function clientsOf<T>(
  kind: string,
  Client: new (config: ReturnType<typeof clientOptions>) => T,
  accounts: Accounts,
  session: string,
): (place: Place) => T {
  return (place) =>
    cached(
      clientKey(kind, accounts, session, place),
      () => new Client(clientOptions(accounts, session, place)),
      ownerOf(accounts, place),
    );
}

/** The EC2 clients one run uses: `session` names what the run is for (a peering id, or `sweep`). */
export function ec2Clients(accounts: Accounts, session: string): Ec2For {
  return clientsOf('ec2', EC2Client, accounts, session);
}

/** The SSM clients one run uses (a separate function so bundles without SSM do not carry its client). */
export function ssmClients(accounts: Accounts, session: string): SsmFor {
  return clientsOf('ssm', SSMClient, accounts, session);
}

/** The SSM client of the hub itself, in its home region (the trusted routed record lives there). */
export function hubSsmClient(): SSMClient {
  return cached('ssm-hub', () => new SSMClient({ region: homeRegion(), ...CLIENT_TIMEOUTS }));
}

const ownerOf = (accounts: Accounts, place: Place): ClientOwner =>
  place.ownerId === accounts.hub ? 'hub' : place.ownerId;

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

/** The hub (this function's account and partition) and its members, from the function's ARN and settings. */
export function accountsOf(
  invokedFunctionArn: string | undefined,
  settings: {
    readonly members: readonly string[];
    readonly memberRole: string;
    readonly regions: readonly string[];
  },
): Accounts {
  return {
    hub: accountFromArn(invokedFunctionArn),
    partition: invokedFunctionArn?.split(':')[1] || 'aws',
    members: settings.members,
    memberRole: settings.memberRole,
    regions: settings.regions.length > 0 ? settings.regions : [homeRegion()],
  };
}

/** True when an AWS SDK error carries one of the given error codes. */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; Code?: unknown };
  return codes.some((c) => e.name === c || e.Code === c);
}

/** Who is calling (the caller's ARN: an approver's decision names it), from STS GetCallerIdentity. */
export async function callerArn(): Promise<string> {
  const out = await stsClient().send(new GetCallerIdentityCommand({}));
  if (!out.Arn) throw new Error('STS GetCallerIdentity returned no ARN');
  return out.Arn;
}

let callerAccountOnce: Promise<string> | undefined;

/**
 * The caller's account (what a deployed function reads from its own ARN; the CLI and local runs
 * act as their credentials): AWS_ACCOUNT_ID, else STS GetCallerIdentity once per process.
 */
export function callerAccount(): Promise<string> {
  if (process.env.AWS_ACCOUNT_ID) return Promise.resolve(process.env.AWS_ACCOUNT_ID);
  callerAccountOnce ??= stsClient()
    .send(new GetCallerIdentityCommand({}))
    .then((r) => r.Account as string)
    .catch((error: unknown) => {
      callerAccountOnce = undefined;
      throw error;
    });
  return callerAccountOnce;
}
