/**
 * The approver policy: what a person needs to decide about a peering that waits for one
 * (`peering-autopilot approvals` / `approve` / `reject`). It writes the approval record (one SSM
 * parameter per peering under the hub's own `/peering-autopilot/approvals/` path) and runs the
 * workflow, which accepts and configures, or rejects; the approver never writes a route, a rule or
 * a peering itself. No function role can write the record, and anyone who can merely tag a peering
 * has none of this.
 */
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { APPROVAL_RECORD_PATH } from '../functions/commons/contracts.js';
import { suppressFindings } from './nag.js';

export function buildApproverPolicy(scope: Construct, stateMachine: StateMachine): ManagedPolicy {
  const stack = Stack.of(scope);
  const records = Arn.format(
    {
      service: 'ssm',
      resource: 'parameter',
      resourceName: `${APPROVAL_RECORD_PATH.replace(/^\//, '')}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    },
    stack,
  );
  const executions = Arn.format(
    {
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    stack,
  );
  // The Service Authorization Reference lists DescribeExecution on `execution` and `express`
  // resources, both required: the workflow is Standard (execution ARNs), the express pattern of the
  // same state machine names nothing that exists but keeps the grant what the SAR asks for.
  const express = Arn.format(
    {
      service: 'states',
      resource: 'express',
      resourceName: `${stateMachine.stateMachineName}:*:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    stack,
  );
  const policy = new ManagedPolicy(scope, 'ApproverPolicy', {
    description:
      'Peering Autopilot approvers: record a decision about a waiting peering and run the workflow for it.',
    statements: [
      new PolicyStatement({ actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: [records] }),
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }),
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions, express] }),
      new PolicyStatement({ actions: ['states:GetExecutionHistory'], resources: [executions] }),
      // Reads that support no resource-level permissions: finding the state machine, and the
      // peering and its VPCs (the CLI checks that the peering waits before recording anything).
      new PolicyStatement({
        actions: ['states:ListStateMachines', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeVpcs'],
        resources: ['*'],
      }),
    ],
  });
  suppressFindings(policy, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'One approval record per peering under the hub-owned parameter/peering-autopilot/approvals/ path ' +
        '(peerings are created at any time), the executions of this one state machine, and reads that ' +
        'support no resource-level permissions (ListStateMachines, EC2 Describe*).',
      appliesTo: [
        {
          regex:
            '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ssm:.*:parameter\\/peering-autopilot\\/approvals\\/\\*$/g',
        },
        { regex: '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):states:.*:(execution|express):.*:\\*$/g' },
        'Resource::*',
      ],
    },
  ]);
  return policy;
}
