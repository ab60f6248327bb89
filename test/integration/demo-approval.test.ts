/**
 * `peering-autopilot demo --approval` (issue 23): a request from an account outside the organization
 * waits, a person approves it from the CLI, the hub's side is configured, and the partner's ping to
 * Finance passes with real packets. The README shows this output.
 */
import { EXIT } from '../../cli/src/io.js';
import { main } from '../../cli/src/main.js';

it('demo --approval: the partner request waits, is approved from the CLI, configured, and the ping passes', async () => {
  const out: string[] = [];
  const code = await main(['node', 'peering-autopilot', 'demo', '--approval'], {
    out: (t) => out.push(t),
    err: (t) => out.push(t),
  });
  const text = out.join('\n');
  expect(code).toBe(EXIT.ok);
  expect(text).toMatch(/AWAITING APPROVAL: requester VPC vpc-\w+ is owned by 222222222222/);
  expect(text).toMatch(/Subject: Peering Autopilot: pcx-\w+ waits for your approval/);
  expect(text).toMatch(/\$ peering-autopilot approvals\n[\s\S]*pending-acceptance/);
  expect(text).toMatch(/Approved by arn:aws:\S+ at \S+: vendor link, ticket NET-42/);
  expect(text).toMatch(/rtb-\w+ +│ Finance │ 10\.30\.0\.0\/16 │ created/);
  expect(text).toContain('(exit 0)');
  expect(text).toMatch(
    /ping PartnerServer -> FinanceServer \(sent by the partner\): 3 packets transmitted, 3 received/,
  );
  expect(text).toMatch(/Finance \(hub\): +Finance route table rtb-\w+ routes 10\.30\.0\.0\/16 via pcx-/);
  expect(text).toContain('Local AWS stopped.');
}, 120_000);
