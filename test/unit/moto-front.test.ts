/**
 * The bench's front for moto (issue 21 §9): a request moto drops with an internal error (HTTP 500
 * and an HTML page, what moto's server shows for a Python exception) is re-sent and counted; one
 * moto keeps failing becomes an AWS-shaped error that names the call and moto's log, instead of the
 * SDK's "XML parse error: mismatched tags". A fake moto on loopback plays the part.
 */
import { createServer, type Server } from 'node:http';
import { DescribeRouteTablesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { type MotoFront, startMotoFront } from '../../local/moto-front.js';

const HTML_500 = '<!doctype html><html><head><title>500 Internal Server Error</title></head></html>';
const VPCS =
  '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcSet/></DescribeVpcsResponse>';

let fake: Server;
let front: MotoFront;
let seen: string[] = [];

beforeAll(async () => {
  let vpcsAsked = 0;
  fake = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const action = /Action=(\w+)/.exec(body)?.[1] ?? '?';
      seen.push(action);
      // DescribeVpcs fails once, then answers; DescribeRouteTables always fails.
      if (action === 'DescribeVpcs' && ++vpcsAsked > 1) {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(VPCS);
      } else {
        res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_500);
      }
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as { port: number }).port;
  front = await startMotoFront(port, '.bench/moto.log');
});

afterAll(async () => {
  await front.close();
  await new Promise((r) => fake.close(r));
});

const ec2 = () =>
  new EC2Client({
    region: 'us-east-1',
    endpoint: front.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

it('re-sends a request moto dropped with an internal error, and counts it', async () => {
  seen = [];
  await expect(ec2().send(new DescribeVpcsCommand({}))).resolves.toMatchObject({ Vpcs: [] });
  expect(seen).toEqual(['DescribeVpcs', 'DescribeVpcs']);
  expect(front.retried).toEqual(['DescribeVpcs (HTTP 500)']);
});

it('names the call and the log when moto keeps failing it', async () => {
  seen = [];
  await expect(ec2().send(new DescribeRouteTablesCommand({}))).rejects.toMatchObject({
    name: 'MotoInternalError',
    message: 'moto failed DescribeRouteTables 4 times (HTTP 500, an error inside moto): see .bench/moto.log',
  });
  expect(seen).toEqual(Array(4).fill('DescribeRouteTables'));
});
