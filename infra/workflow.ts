/**
 * The workflow and its functions: one function per row of the step table (its IAM, environment
 * and timeout come from the row), and the Standard state machine over the generated ASL.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { STEPS, type StepId, sharedEnvironment } from '../state-machines/steps.js';
import { memberRoleFor, memberRoleStatements, statementsFor } from './grants.js';
import { workflowDefinition } from './handler-assets.js';
import { type ResolvedProps, WORKFLOW_TIMEOUT } from './props.js';
import { WorkflowFunction } from './workflow-function.js';

export interface Workflow {
  readonly functions: Readonly<Record<StepId, WorkflowFunction>>;
  readonly stateMachine: StateMachine;
}

export function buildWorkflow(scope: Construct, config: ResolvedProps, alarmTopic: ITopic): Workflow {
  const stack = Stack.of(scope);
  const settings = { ...config.steps, alarmTopicArn: alarmTopic.topicArn };
  const functions = Object.fromEntries(
    STEPS.map((s) => [
      s.id,
      new WorkflowFunction(scope, `${s.id}Function`, {
        step: s.id,
        statements: [
          // <Peers>: the accounts a request may come from. With outsideAccounts=approve, any account
          // (what a person approved; the approval record only approvers can write decides, not IAM).
          ...statementsFor(
            s.grants,
            stack,
            config.regions,
            config.steps.outsideAccounts === 'approve' ? ['*'] : [stack.account, ...config.members],
          ),
          // In a member, this step's own role only.
          ...memberRoleStatements(stack, config.members, memberRoleFor(config.memberRoleName, s.id)),
        ],
        environment: {
          ...sharedEnvironment({ ...settings, memberRole: memberRoleFor(config.memberRoleName, s.id) }),
          ...s.environment?.(settings),
        },
        ...(s.functionTimeout ? { timeout: Duration.seconds(s.functionTimeout(settings)) } : {}),
        ...(config.logRetention ? { logRetention: config.logRetention } : {}),
      }),
    ]),
  ) as Record<StepId, WorkflowFunction>;
  alarmTopic.grantPublish(functions.Report);

  const stateMachine = new StateMachine(scope, 'Workflow', {
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: workflowDefinition(scope),
    definitionSubstitutions: Object.fromEntries(
      STEPS.map((s) => [s.placeholder, functions[s.id].functionArn]),
    ),
    tracingEnabled: true,
    logs: {
      destination: new LogGroup(scope, 'WorkflowLogs', {
        retention: config.logRetention ?? RetentionDays.ONE_MONTH,
      }),
      level: LogLevel.ALL,
      includeExecutionData: true,
    },
    timeout: WORKFLOW_TIMEOUT,
  });
  for (const fn of Object.values(functions)) fn.grantInvoke(stateMachine);
  return { functions, stateMachine };
}
