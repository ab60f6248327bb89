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
import { readWorkflowDefinition } from '../state-machines/peering-workflow.js';
import { type LocalRunOutcome, localAccount, runLocalWorkflow, runningFunction } from './local-runner.js';

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
      const invokedFunctionArn = `arn:aws:lambda:${region}:${await localAccount()}:function:peering-autopilot-starter`;
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
