/**
 * The peering workflow, state by state in flow order: settle -> inspect -> decide -> accept (bounded
 * wait) -> plan -> apply -> verify (repair once) -> result -> report; refusals, cleanup and failures
 * join at the report. This is the source; `npm run generate` writes it to peering-workflow.asl.json
 * (generated, committed; a test fails when it is stale), the file CDK deploys and the local runner
 * executes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ChangesSchema, InspectionSchema } from '../functions/commons/schemas.js';
import { REPORT_FAILURE, resultState, type States, skippedVerification, task, when } from './builder.js';

/** `{field: "$.Payload.field"}` for every field of a step's output schema. */
const payloadOf = (schema: { def: { shape: Record<string, unknown> } }) =>
  Object.fromEntries(Object.keys(schema.def.shape).map((k) => [k, `$.Payload.${k}`]));
const is = (variable: string, value: string | boolean) =>
  when(variable, typeof value === 'string' ? { StringEquals: value } : { BooleanEquals: value });

const ACTIVATION_RESULT = { status: '$.Payload.status', attempt: '$.Payload.attempt' };
const VERIFICATION_RESULT = Object.fromEntries(
  ['status', 'reason', 'probes', 'diagnosis', 'repairable', 'message'].map((k) => [k, `$.Payload.${k}`]),
);
const activation = (action: 'accept' | 'check' | 'reject', attempt: number | string) => ({
  action,
  'peeringConnectionId.$': '$.inspection.peeringConnectionId',
  'accepterRegion.$': '$.inspection.accepter.region',
  'accepterOwnerId.$': '$.inspection.accepter.ownerId',
  ...(typeof attempt === 'number' ? { attempt } : { 'attempt.$': attempt }),
});

const states: States = {
  Settle: {
    Type: 'Choice',
    Comment:
      'Event-triggered runs wait until their debounce window closes, so one run sees the whole burst. A malformed ' +
      'settleUntil goes on to Inspect, which rejects it (InputValidationError) through the report path.',
    Choices: [
      {
        And: [
          when('$.trigger.settleUntil', { IsPresent: true }),
          when('$.trigger.settleUntil', { IsTimestamp: true }),
        ],
        Next: 'WaitToSettle',
      },
    ],
    Default: 'Inspect',
  },
  WaitToSettle: { Type: 'Wait', TimestampPath: '$.trigger.settleUntil', Next: 'Inspect' },
  Inspect: task('Inspect', {
    comment: 'Validate input, describe the peering and both VPCs, apply the accept policy. Read-only.',
    payload: '$',
    resultSelector: payloadOf(InspectionSchema),
    resultPath: '$.inspection',
    next: 'Decide',
    catch: { next: 'InspectFailed' },
  }),
  InspectFailed: {
    Type: 'Pass',
    Comment:
      'Inspect writes nothing, so its error (Catch without ResultPath: the error output replaces the state) is all ' +
      'the report needs; this also holds for a non-object input, where no field could be added.',
    Parameters: { 'error.$': '$' },
    Next: REPORT_FAILURE,
  },
  Decide: {
    Type: 'Choice',
    Comment:
      'deleted -> cleanup; refused but active -> plan removals only; rejected by a person and pending -> reject; ' +
      'refused -> result; waiting for a person -> result; pending and not a dry run -> accept; not yet active -> ' +
      'wait; active -> plan.',
    Choices: [
      is('$.inspection.cleanup', true),
      is('$.inspection.removalsOnly', true),
      { And: [is('$.inspection.needsReject', true), is('$.inspection.dryRun', false)] },
      is('$.inspection.decision', 'refused'),
      is('$.inspection.decision', 'awaiting-approval'),
      is('$.inspection.dryRun', true),
      is('$.inspection.needsAccept', true),
      is('$.inspection.status', 'active'),
    ].map((rule, i) => ({
      ...rule,
      Next: ['Cleanup', 'Plan', 'Reject', 'Refused', 'AwaitingApproval', 'Plan', 'Accept', 'Plan'][i],
    })),
    Default: 'AwaitActivation',
  },
  Reject: task('Activation', {
    comment:
      "A person rejected the request: RejectVpcPeeringConnection as the accepter's owner, in its region.",
    payload: activation('reject', 0),
    resultSelector: ACTIVATION_RESULT,
    resultPath: '$.activation',
    next: 'Rejected',
  }),
  Rejected: resultState(
    'Rejected by a person (who, when and why in approval): nothing was configured.',
    'Report',
    {
      routes: [],
      securityGroupRules: [],
      options: [],
      verification: skippedVerification('rejected by a person'),
    },
    { 'status.$': '$.activation.status' },
  ),
  AwaitingApproval: resultState(
    'Waiting for a person (peering-autopilot approve / reject): nothing accepted, nothing written.',
    'Report',
    {
      routes: [],
      securityGroupRules: [],
      options: [],
      verification: skippedVerification('waiting for a person to approve'),
    },
  ),
  Accept: task('Activation', {
    comment: "AcceptVpcPeeringConnection in the accepter's region.",
    payload: activation('accept', 0),
    resultSelector: ACTIVATION_RESULT,
    resultPath: '$.activation',
    next: 'IsActive',
  }),
  AwaitActivation: {
    Type: 'Pass',
    Comment: 'Someone else already accepted (provisioning): start the bounded poll at attempt 0.',
    Parameters: { 'status.$': '$.inspection.status', attempt: 0 },
    ResultPath: '$.activation',
    Next: 'WaitForActive',
  },
  WaitForActive: { Type: 'Wait', Seconds: 3, Next: 'CheckActivation' },
  CheckActivation: task('Activation', {
    comment: "Describe the peering's status in the accepter's region.",
    payload: activation('check', '$.activation.attempt'),
    resultSelector: ACTIVATION_RESULT,
    resultPath: '$.activation',
    next: 'IsActive',
  }),
  IsActive: {
    Type: 'Choice',
    Comment: 'Bounded poll: at most 20 checks, 3 s apart (about a minute), then a clear failure.',
    Choices: [
      is('$.activation.status', 'active'),
      when('$.activation.attempt', { NumericGreaterThanEquals: 20 }),
      {
        Or: ['pending-acceptance', 'provisioning', 'initiating-request'].map((s) =>
          is('$.activation.status', s),
        ),
      },
    ].map((rule, i) => ({ ...rule, Next: ['Plan', 'ActivationTimedOut', 'WaitForActive'][i] })),
    Default: 'PeeringNotActive',
  },
  ActivationTimedOut: {
    Type: 'Pass',
    Comment: 'Name the failure, then report it.',
    Result: {
      Error: 'ActivationTimedOut',
      Cause: 'The peering did not become active within 20 status checks (about 60 s) after it was accepted.',
    },
    ResultPath: '$.error',
    Next: REPORT_FAILURE,
  },
  PeeringNotActive: {
    Type: 'Pass',
    Comment: 'Name the failure, then report it.',
    Result: {
      Error: 'PeeringNotActive',
      Cause:
        'The peering left the path to active (rejected, failed, expired or deleted) while the workflow waited.',
    },
    ResultPath: '$.error',
    Next: REPORT_FAILURE,
  },
  Plan: task('Plan', {
    comment:
      'Describe route tables and opted-in security groups of both VPCs; plan every change and check quota headroom ' +
      'before any write.',
    payload: '$.inspection',
    resultSelector: payloadOf(ChangesSchema),
    resultPath: '$.changes',
    next: 'HasWrites',
  }),
  HasWrites: {
    Type: 'Choice',
    Comment:
      'Refused: apply removals only, then report. A dry run stops at the plan; writes go to Apply; a repair run ' +
      'always verifies again; only a clean plan (all exists/skipped) on a recently configured peering skips the ping.',
    Choices: [
      {
        And: [
          is('$.inspection.decision', 'refused'),
          is('$.inspection.dryRun', false),
          when('$.changes.writes', { NumericGreaterThan: 0 }),
        ],
        Next: 'Apply',
      },
      is('$.inspection.decision', 'refused'),
      is('$.inspection.dryRun', true),
      when('$.changes.writes', { NumericGreaterThan: 0 }),
      when('$.repaired', { IsPresent: true }),
      { And: [is('$.inspection.fresh', true), is('$.changes.clean', true)] },
    ].map((rule, i) => ({
      ...rule,
      Next: ['Apply', 'RefusedWithRemovals', 'Verify', 'Apply', 'Verify', 'Unchanged'][i],
    })),
    Default: 'Verify',
  },
  Apply: task('Apply', {
    comment:
      'Create the planned routes (both VPCs, each in its own region) and security-group rules; revoke our rules from ' +
      'groups that opted out.',
    payload: { 'inspection.$': '$.inspection', 'changes.$': '$.changes' },
    resultSelector: payloadOf(ChangesSchema),
    resultPath: '$.changes',
    next: 'AfterApply',
  }),
  AfterApply: {
    Type: 'Choice',
    Comment: 'A refused peering only had our own rules removed: no verification.',
    Choices: [{ ...is('$.inspection.decision', 'refused'), Next: 'RefusedWithRemovals' }],
    Default: 'Verify',
  },
  Verify: task('Verify', {
    comment: 'Ping between probe instances over SSM Run Command, plus the static path diagnosis.',
    payload: { 'inspection.$': '$.inspection', 'facts.$': '$.changes.facts' },
    resultSelector: VERIFICATION_RESULT,
    resultPath: '$.verification',
    next: 'RepairOnce',
  }),
  RepairOnce: {
    Type: 'Choice',
    Comment:
      'A failed ping whose diagnosis points at something we own: repair (plan + apply) and verify again, once. ' +
      '(Already repaired is tested first: it reads the same in AWS and in aws-local-stepfunctions, whose ' +
      'IsPresent:false never matches.)',
    Choices: [
      when('$.repaired', { IsPresent: true }, 'Result'),
      {
        And: [is('$.verification.status', 'failed'), is('$.verification.repairable', true)],
        Next: 'MarkRepair',
      },
    ],
    Default: 'Result',
  },
  MarkRepair: { Type: 'Pass', Result: true, ResultPath: '$.repaired', Next: 'Plan' },
  Result: resultState(
    'The workflow result contract (ARCHITECTURE.md), with the record of what our routes reach.',
    'Report',
    {},
    { 'routed.$': '$.changes.routed' },
  ),
  Unchanged: {
    Type: 'Pass',
    Comment: 'Nothing to change and verified recently (status tags): no ping, no tag write.',
    Result: {
      ...skippedVerification('nothing changed since the last verified run (peering-autopilot:checked-at)'),
      repairable: false,
      message: '',
    },
    ResultPath: '$.verification',
    Next: 'UnchangedResult',
  },
  UnchangedResult: resultState(
    'The result of a run that changed nothing (same contract).',
    'Report',
    {},
    { unchanged: true },
  ),
  Refused: resultState('Refusals change nothing: empty routes and rules, with the reason.', 'Report', {
    routes: [],
    securityGroupRules: [],
    options: [],
    verification: skippedVerification('peering refused'),
  }),
  RefusedWithRemovals: resultState(
    'Refused, but our rules left groups that opted out (policy never blocks removals of our own objects).',
    'Report',
    { routes: [], options: [], verification: skippedVerification('peering refused') },
  ),
  Cleanup: task('Cleanup', {
    comment:
      'Peering deleted: remove the routes that target it and the rules whose description names it; nothing else.',
    payload: '$.inspection',
    resultSelector: { routesRemoved: '$.Payload.routesRemoved', rulesRemoved: '$.Payload.rulesRemoved' },
    resultPath: '$.cleanup',
    next: 'CleanedUp',
  }),
  CleanedUp: resultState(
    'A deleted (or rejected, expired) peering ends refused, with what the cleanup removed.',
    'Report',
    { routes: [], securityGroupRules: [], options: [], verification: skippedVerification('peering deleted') },
    { 'cleanup.$': '$.cleanup' },
  ),
  Report: task('Report', {
    comment: 'Status tags on the peering, outcome metrics, SNS notice. Passes the result through unchanged.',
    payload: { 'result.$': '$', 'executionId.$': '$$.Execution.Id' },
    resultPath: null,
    end: true,
    catch: { next: 'Done', resultPath: '$.reportError' },
    retryAws: false,
  }),
  Done: { Type: 'Succeed', Comment: 'The run succeeded; only its report failed (see reportError).' },
  ReportFailure: task('Report', {
    comment:
      'Record the failure on the peering (status tag, metric), then fail the execution with the original error.',
    payload: { 'error.$': '$.error', 'input.$': '$$.Execution.Input', 'executionId.$': '$$.Execution.Id' },
    resultPath: null,
    next: 'Failed',
    catch: { next: 'Failed', resultPath: '$.reportError' },
    retryAws: false,
  }),
  Failed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
};

/** The whole state machine definition. */
export function peeringWorkflow() {
  return {
    Comment:
      'Peering Autopilot: inspect -> accept (bounded wait) -> plan -> apply routes and security-group rules -> ' +
      'verify -> result. JSONPath, so it also runs locally under aws-local-stepfunctions. Generated from ' +
      'state-machines/peering-workflow.ts (npm run generate): do not edit by hand.',
    StartAt: 'Settle',
    TimeoutSeconds: 900,
    States: states,
  };
}

/** The generated ASL file (what CDK deploys and the local runner executes). */
export const PEERING_WORKFLOW_ASL = fileURLToPath(new URL('./peering-workflow.asl.json', import.meta.url));

/** The generated ASL, as text with its `${Placeholder}`s. */
export function readWorkflowDefinition(): string {
  return readFileSync(PEERING_WORKFLOW_ASL, 'utf8');
}
