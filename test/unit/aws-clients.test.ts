/**
 * Every SDK client is built with connection and request timeouts that really end a hung call (the
 * Node handler only warns on a request timeout unless told to throw). Traffic stays on loopback.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CLIENT_TIMEOUTS,
  ec2Clients,
  memberCredentials,
  ssmClients,
} from '../../functions/commons/aws-clients.js';

const accounts = {
  hub: '123456789012',
  members: [] as string[],
  memberRole: 'PeeringAutopilotMember',
  partition: 'aws',
};
const here = { ownerId: '123456789012', region: 'eu-west-3' };

type Handler = {
  configProvider: Promise<{
    connectionTimeout?: number;
    requestTimeout?: number;
    throwOnRequestTimeout?: boolean;
  }>;
};

it('the EC2 and SSM clients carry the connection and request timeouts, and throw on a request timeout', async () => {
  for (const client of [ec2Clients(accounts, 'pcx-1')(here), ssmClients(accounts, 'pcx-1')(here)]) {
    const config = await (client.config.requestHandler as unknown as Handler).configProvider;
    expect(config).toMatchObject({
      connectionTimeout: 3_000,
      requestTimeout: 20_000,
      throwOnRequestTimeout: true,
    });
  }
});

describe('a hung endpoint', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let port = 0;
  beforeAll(async () => {
    // Accepts connections and never answers: what a black-holed endpoint looks like.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with a TimeoutError within the request timeout instead of hanging', async () => {
    const client = new EC2Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: { ...CLIENT_TIMEOUTS.requestHandler, requestTimeout: 300 },
    });
    const started = Date.now();
    await expect(client.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('acting as each side owner', () => {
  const stsMock = mockClient(STSClient);
  const members = { ...accounts, members: ['111111111111'] };
  const expiring = (minutes: number) => ({
    Credentials: {
      AccessKeyId: `AKIA${minutes}`,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + minutes * 60_000),
    },
  });
  beforeEach(() => stsMock.reset());

  it('reaches a member account through its PeeringAutopilotMember role, with a session naming the peering', async () => {
    stsMock.on(AssumeRoleCommand).resolves(expiring(60));
    const client = ec2Clients(
      members,
      'pcx-0123456789abcdef0',
    )({ ownerId: '111111111111', region: 'eu-west-3' });
    const credentials = await (client.config.credentials as () => Promise<{ accessKeyId: string }>)();
    expect(credentials.accessKeyId).toBe('AKIA60');
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::111111111111:role/PeeringAutopilotMember',
      RoleSessionName: 'peering-autopilot-pcx-0123456789abcdef0',
    });
  });

  it('keeps member credentials for the container and renews them five minutes before they expire', async () => {
    stsMock.on(AssumeRoleCommand).resolvesOnce(expiring(4)).resolves(expiring(60));
    const provider = memberCredentials(
      'arn:aws:iam::111111111111:role/R',
      'renewal',
      () => new STSClient({}),
    );
    await provider();
    await provider();
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2); // the first was about to expire
    await provider();
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2); // the second is good for an hour
  });

  it("uses the function's own role in the hub account (no AssumeRole)", () => {
    const client = ec2Clients(members, 'pcx-1')({ ownerId: '123456789012', region: 'eu-west-3' });
    expect(client).toBe(ec2Clients(members, 'pcx-2')({ ownerId: '123456789012', region: 'eu-west-3' }));
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('fails when a step would act in an account that is neither the hub nor a member', () => {
    expect(() => ec2Clients(members, 'pcx-1')({ ownerId: '222222222222', region: 'eu-west-3' })).toThrow(
      /account 222222222222 is neither this hub account 123456789012 nor a member \(111111111111\)/,
    );
  });
});
