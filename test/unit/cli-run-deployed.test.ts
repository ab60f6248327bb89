/**
 * `peering-autopilot run` against the deployed state machine, with client-sfn mocked and a
 * realistic execution history (as GetExecutionHistory returns it).
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../cli/src/io.js';
import { cli } from '../support/cli.js';

const sfnMock = mockClient(SFNClient);
const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:PeeringAutopilotWorkflowA1B2C3-xyz';
const EXEC = 'arn:aws:states:us-east-1:123456789012:execution:PeeringAutopilotWorkflowA1B2C3-xyz:run-1';
const PCX = 'pcx-0123456789abcdef0';

const result = {
  peeringConnectionId: PCX,
  decision: 'accepted',
  dryRun: false,
  requester: {
    vpcId: 'vpc-m',
    ownerId: '123456789012',
    region: 'us-east-1',
    cidrs: ['10.10.0.0/16'],
    ipv6Cidrs: [],
    tags: {},
    name: 'Marketing',
  },
  accepter: {
    vpcId: 'vpc-f',
    ownerId: '123456789012',
    region: 'us-east-1',
    cidrs: ['172.31.0.0/16'],
    ipv6Cidrs: [],
    tags: {},
    name: 'Finance',
  },
  routes: [
    {
      routeTableId: 'rtb-1',
      vpcId: 'vpc-m',
      region: 'us-east-1',
      destinationCidr: '172.31.0.0/16',
      action: 'created',
      applied: true,
    },
  ],
  securityGroupRules: [],
  verification: { status: 'passed', reason: 'every probe passed', probes: [], diagnosis: [] },
};

let id = 0;
const ev = (type: string, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  id: ++id,
  type: type as HistoryEvent['type'],
  timestamp: new Date(),
  ...extra,
});
const entered = (name: string, type = 'TaskStateEntered') => ev(type, { stateEnteredEventDetails: { name } });
const exited = (name: string) => ev('TaskStateExited', { stateExitedEventDetails: { name } });

beforeEach(() => {
  sfnMock.reset();
  id = 0;
  sfnMock.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        stateMachineArn: SM,
        name: 'PeeringAutopilotWorkflowA1B2C3-xyz',
        type: 'STANDARD',
        creationDate: new Date(),
      },
    ],
  });
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate: new Date() });
});

describe('run (deployed)', () => {
  it('--follow shows progress as the history advances, then the summary; exit 0', async () => {
    const first = [
      ev('ExecutionStarted'),
      entered('Settle', 'ChoiceStateEntered'),
      entered('Inspect'),
      ev('LambdaFunctionScheduled'),
      exited('Inspect'),
    ];
    const second = [
      ...first,
      entered('Decide', 'ChoiceStateEntered'),
      entered('Accept'),
      exited('Accept'),
      entered('Plan'),
      exited('Plan'),
      entered('Apply'),
      exited('Apply'),
      entered('Verify'),
      exited('Verify'),
      entered('Report'),
      exited('Report'),
      ev('ExecutionSucceeded'),
    ];
    sfnMock.on(GetExecutionHistoryCommand).resolvesOnce({ events: first }).resolves({ events: second });
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ executionArn: EXEC, status: 'RUNNING', stateMachineArn: SM, startDate: new Date() })
      .resolves({
        executionArn: EXEC,
        status: 'SUCCEEDED',
        stateMachineArn: SM,
        startDate: new Date(),
        output: JSON.stringify(result),
      });

    const run = await cli('run', PCX, '--follow');

    expect(run.code).toBe(EXIT.ok);
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: SM,
      input: JSON.stringify({ peeringConnectionId: PCX, dryRun: false }),
    });
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.includes('-> Inspect'))).toHaveLength(1); // each event printed once
    expect(run.stdout).toContain('-> Apply');
    expect(run.stdout).toContain('execution succeeded');
    expect(run.stdout).toContain('Marketing (10.10.0.0/16) <> Finance (172.31.0.0/16)');
    expect(run.stdout).toContain('172.31.0.0/16');
  });

  it('--json prints exactly the workflow result on stdout (progress goes to stderr)', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [ev('ExecutionStarted'), ev('ExecutionSucceeded')] });
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: EXEC,
      status: 'SUCCEEDED',
      stateMachineArn: SM,
      startDate: new Date(),
      output: JSON.stringify(result),
    });
    const run = await cli('run', PCX, '--follow', '--json', '--dry-run');
    expect(JSON.parse(run.stdout)).toEqual(result);
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.input).toContain('"dryRun":true');
  });

  it('exits 1 with the error and cause when the execution failed', async () => {
    sfnMock.on(GetExecutionHistoryCommand).resolves({
      events: [
        ev('ExecutionStarted'),
        ev('ExecutionFailed', {
          executionFailedEventDetails: {
            error: 'CleanupIncompleteError',
            cause: 'cleanup left 1: route in rtb-1',
          },
        }),
      ],
    });
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: EXEC,
      status: 'FAILED',
      stateMachineArn: SM,
      startDate: new Date(),
      error: 'CleanupIncompleteError',
      cause: 'cleanup left 1: route in rtb-1',
    });
    const run = await cli('run', PCX, '--follow');
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe('workflow failed: CleanupIncompleteError: cleanup left 1: route in rtb-1');
  });

  it('exits 2 when the peering was refused', async () => {
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [ev('ExecutionSucceeded')] });
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: EXEC,
      status: 'SUCCEEDED',
      stateMachineArn: SM,
      startDate: new Date(),
      output: JSON.stringify({ ...result, decision: 'refused', reason: 'cross-account peering', routes: [] }),
    });
    expect((await cli('run', PCX, '--follow')).code).toBe(EXIT.refused);
  });

  it('without --follow prints the execution and exits 0', async () => {
    const run = await cli('run', PCX);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain(`execution ${EXEC} is running`);
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it('says clearly when no state machine is deployed', async () => {
    sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
    const run = await cli('run', PCX);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe(
      'error: no deployed Peering Autopilot state machine found in this region (deploy it, or pass --state-machine <arn>)',
    );
  });

  it('missing credentials get one clear line, not a stack trace', async () => {
    sfnMock.on(ListStateMachinesCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const run = await cli('run', PCX);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe(
      'error: no AWS credentials found: configure a profile (AWS_PROFILE) or environment credentials',
    );
  });

  it.each([
    [
      'a missing profile is named',
      Object.assign(new Error('Profile netops could not be found in shared credentials file.'), {
        name: 'CredentialsProviderError',
      }),
      'error: AWS profile "netops" was not found in ~/.aws/config or ~/.aws/credentials: check AWS_PROFILE',
    ],
    [
      'expired credentials are explained',
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException',
      }),
      'error: AWS rejected the credentials (ExpiredTokenException)',
    ],
    [
      'a missing permission is told apart from bad credentials',
      Object.assign(
        new Error('User: arn:aws:iam::1:user/x is not authorized to perform: states:ListStateMachines\nmore'),
        {
          name: 'AccessDeniedException',
        },
      ),
      'error: AWS denied the call (AccessDeniedException): the profile lacks a permission: User: arn:aws:iam::1:user/x is not authorized to perform: states:ListStateMachines',
    ],
  ])('%s, in one line', async (_label, error, line) => {
    sfnMock.on(ListStateMachinesCommand).rejects(error);
    const run = await cli('run', PCX);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(line);
  });

  it('without a region (no AWS_REGION, no profile region) says so in one line', async () => {
    const saved = { ...process.env };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    try {
      const run = await cli('status');
      expect(run.code).toBe(EXIT.failed);
      expect(run.stderr).toBe(
        'error: no AWS region configured: set AWS_REGION, or a region in your AWS profile',
      );
    } finally {
      process.env = saved;
    }
  });

  it('--help lists examples and exit codes', async () => {
    const help = await cli('run', '--help');
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain(
      'Exit codes: 0 configured or already fine, 1 failed, 2 refused or waiting for a person, 64 bad usage.',
    );
  });
});
