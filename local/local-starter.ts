/**
 * The event path, locally: the real starter Lambda starts executions in the local Step Functions
 * endpoint (moto records them, it does not run them); each new execution's input then runs
 * through the real ASL and handlers with aws-local-stepfunctions, as AWS would run it.
 * Used by the demo (drift repair) and the self-healing tests.
 */

import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import type { Ec2For, Place } from '../functions/commons/aws-clients.js';
import { callerAccount } from '../functions/commons/aws-clients.js';
import { readSettings } from '../functions/commons/settings.js';
import { actsIn, type OutsideAccounts } from '../functions/network/decision.js';
import { DEFAULT_QUOTAS } from '../functions/network/model.js';
import { normaliseEvent } from '../functions/starter/events.js';
import { type StarterResult, startRuns } from '../functions/starter/starter.js';
import { readWorkflowDefinition } from '../state-machines/peering-workflow.js';
import { type LocalRunOutcome, runLocalWorkflow, runningFunction } from './local-runner.js';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface Harness {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  /** Delivers one event to the starter, then runs every execution it started. */
  deliver(event: unknown): Promise<{ starter: unknown; runs: LocalRunOutcome[] }>;
  /** Every execution name moto has recorded for the state machine. */
  executionNames(): Promise<string[]>;
}

export async function starterHarness(endpoint: string): Promise<Harness> {
  const sfn = new SFNClient({ region: 'us-east-1', endpoint });
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: 'peering-workflow', // fixed: the starter reads the ARN once, as a deployed Lambda does
      definition: readWorkflowDefinition(),
      roleArn: 'arn:aws:iam::123456789012:role/peering-autopilot-workflow',
    }),
  );
  const stateMachineArn = created.stateMachineArn as string;
  process.env.STATE_MACHINE_ARN = stateMachineArn;
  const { handler } = (await import('../functions/starter/handler.js')) as { handler: Handler };
  const seen = new Set<string>();

  const list = async () =>
    (await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }))).executions ?? [];

  return {
    sfn,
    stateMachineArn,
    async deliver(event) {
      const region = process.env.AWS_REGION ?? 'us-east-1';
      const invokedFunctionArn = `arn:aws:lambda:${region}:${await callerAccount()}:function:peering-autopilot-starter`;
      const starter = await runningFunction.run('Starter', () =>
        handler(event, { functionName: 'starter', awsRequestId: 'local', invokedFunctionArn }),
      );
      const runs: LocalRunOutcome[] = [];
      for (const execution of await list()) {
        const arn = execution.executionArn as string;
        if (seen.has(arn)) continue;
        seen.add(arn);
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        runs.push(await runLocalWorkflow(JSON.parse(described.input ?? '{}')));
      }
      return { starter, runs };
    },
    async executionNames() {
      return (await list()).map((e) => e.name as string);
    },
  };
}

/**
 * One sweep through the starter's own logic (not its handler), into the harness's Step Functions,
 * with a deployment's defaults (same-account policy, default quotas, daily re-verification, 3 s
 * debounce, 15-minute sweep): for tests and the bench that choose the places and their clients.
 */
export function sweepWith(
  harness: Harness,
  deps: {
    readonly ec2For: Ec2For;
    readonly home: Place;
    readonly places: readonly Place[];
    readonly members?: readonly string[];
    readonly regions?: readonly string[];
    /** @default the environment's PEERING_AUTOPILOT_OUTSIDE_ACCOUNTS, else 'refuse' */
    readonly outsideAccounts?: OutsideAccounts;
  },
): Promise<StarterResult> {
  const members = deps.members ?? [];
  return startRuns(normaliseEvent({ sweep: true }), {
    ec2For: deps.ec2For,
    home: deps.home,
    places: deps.places,
    actsIn: (account) => actsIn({ hub: deps.home.ownerId, members }, account),
    judge: {
      members,
      ...(deps.regions ? { regions: deps.regions } : {}),
      policy: 'same-account',
      outsideAccounts: deps.outsideAccounts ?? readSettings().outsideAccounts,
      quotas: DEFAULT_QUOTAS,
      reverifySeconds: 24 * 3600,
      dnsResolution: 'tagged',
    },
    sfn: harness.sfn,
    stateMachineArn: harness.stateMachineArn,
    windowSeconds: 3,
    sweepSeconds: 900,
    now: () => new Date(),
    log: () => undefined,
  });
}

let counter = 0;

/** A CloudTrail "AWS API Call via CloudTrail" EC2 event as EventBridge delivers it. */
export function cloudTrailEvent(
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown> | null = null,
  time = new Date(),
  /** Where the call was made: a member's event forwarded to the hub keeps its own account and region. */
  where: { readonly account?: string; readonly region?: string } = {},
) {
  counter += 1;
  return {
    version: '0',
    id: `evt-${Date.now()}-${counter}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: where.account ?? '123456789012',
    time: time.toISOString(),
    region: where.region ?? 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      eventSource: 'ec2.amazonaws.com',
      eventName,
      eventID: `cloudtrail-${counter}`,
      awsRegion: where.region ?? 'us-east-1',
      requestParameters,
      responseElements,
    },
  };
}
