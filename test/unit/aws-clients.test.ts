/**
 * Every SDK client is built with connection and request timeouts that really end a hung call (the
 * Node handler only warns on a request timeout unless told to throw). Traffic stays on loopback.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_TIMEOUTS, ec2Clients, ssmClients } from '../../functions/commons/aws-clients.js';

const accounts = { hub: '123456789012', members: [], memberRole: 'PeeringAutopilotMember', partition: 'aws' };
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
