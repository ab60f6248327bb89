/**
 * The one opinionated function construct: runtime, architecture, tracing, log group, role and
 * code (the pre-built handler of its step, infra/handler-assets.ts) are decided here once, never
 * copied per function.
 */
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type CfnEventInvokeConfig,
  Function as LambdaFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HUB_ROLE_PATH, type MemberRoleUser, STEP_TAG } from './grants.js';
import { handlerCode } from './handler-assets.js';
import { suppressFindings } from './nag.js';

export interface WorkflowFunctionProps {
  /**
   * The step this function is: its code (`handlers/<step>/` of the assets) and its role's
   * `peering-autopilot:step` tag (the member role it may assume).
   */
  readonly step: MemberRoleUser;
  /** Exactly the IAM statements this function's code needs. */
  readonly statements: readonly PolicyStatement[];
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /**
   * Where asynchronous invocations (EventBridge targets) go after Lambda's own retries fail.
   * @default - none (functions invoked synchronously by Step Functions need none)
   */
  readonly deadLetterQueue?: IQueue;
}

/** A function on nodejs22.x/arm64 with X-Ray, its own log group and a role scoped to it. */
export class WorkflowFunction extends LambdaFunction {
  /** The function's own log group (retention set, removed with the stack). */
  public readonly functionLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole (logs:* on *): write to this log group only.
    // Under the hub role path: the member role trusts exactly the roles there (aws:PrincipalArn).
    const role: IRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      path: HUB_ROLE_PATH,
      description: `Peering Autopilot ${id} step`,
    });
    Tags.of(role).add(STEP_TAG, props.step);
    super(scope, id, {
      code: handlerCode(scope, props.step),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(60),
      // Both forms, so every checker sees it: the function's DLQ (DeadLetterConfig, checkov
      // CKV_AWS_116) and an on-failure destination (EventInvokeConfig, cfn-lint-serverless ES1007).
      ...(props.deadLetterQueue
        ? {
            deadLetterQueue: props.deadLetterQueue,
            onFailure: new SqsDestination(props.deadLetterQueue),
            retryAttempts: 2,
            maxEventAge: Duration.hours(2),
          }
        : {}),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'peering-autopilot',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    this.functionLogGroup = logGroup;
    if (props.deadLetterQueue) {
      // Name the function by ARN, as EventBridge's invoke permission does, so checkers that match
      // the two (cfn-lint-serverless ES1007) see the destination. Lambda accepts a name or an ARN.
      const config = this.node.findChild('EventInvokeConfig').node.defaultChild as CfnEventInvokeConfig;
      config.addPropertyOverride('FunctionName', this.functionArn);
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
      }),
    );
    for (const statement of props.statements) role.addToPrincipalPolicy(statement);
    suppressFindings(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'X-Ray PutTraceSegments/PutTelemetryRecords and EC2 Describe* support no resource-level permissions ' +
            '(Resource *); Lambda generates log-stream names, so the stream ARN of our own log group needs :*.',
          appliesTo: ['Resource::*', { regex: '/^Resource::<.*Logs[0-9A-F]+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
    suppressFindings(this, [
      {
        id: 'AwsSolutions-L1',
        reason: 'The design card fixes nodejs22.x (aws-local-stepfunctions and our tests run on Node 22).',
      },
    ]);
  }
}
