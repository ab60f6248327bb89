/**
 * The local SSM endpoint (issue "Real packets" §2): it runs only Verify's own ping script in the
 * kernel replica; any other command is refused as AWS would report a failed invocation, with
 * "not supported locally", and nothing runs.
 */
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { probeScript } from '../../functions/network/ping.js';
import { probeTarget, startProbeEndpoint } from '../../local/dataplane/ssm-endpoint.js';

it("recognises exactly Verify's probe script, nothing else", () => {
  expect(probeTarget(probeScript('172.31.1.4', 3, 1))).toEqual({ targetIp: '172.31.1.4' });
  expect(probeTarget([...probeScript('172.31.1.4', 3, 1), 'curl http://example.com'])).toBeUndefined();
  expect(probeTarget(['out=$(ping -c 3 -W 1 172.31.1.4 2>&1); rc=$?', 'rm -rf /'])).toBeUndefined();
  expect(probeTarget(['echo hello'])).toBeUndefined();
});

it('refuses any other command: Failed, "not supported locally"', async () => {
  // No moto behind it: a refused command never reaches one.
  const endpoint = await startProbeEndpoint('http://127.0.0.1:9');
  try {
    const ssm = new SSMClient({
      endpoint: endpoint.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: ['i-0123456789abcdef0'],
        Parameters: { commands: ['echo hello'] },
      }),
    );
    const inv = await ssm.send(
      new GetCommandInvocationCommand({
        CommandId: sent.Command?.CommandId,
        InstanceId: 'i-0123456789abcdef0',
      }),
    );
    expect(inv).toMatchObject({
      Status: 'Failed',
      StandardErrorContent: 'not supported locally',
      StandardOutputContent: '',
    });
    expect(endpoint.probes).toEqual([]);
  } finally {
    await endpoint.close();
  }
});
