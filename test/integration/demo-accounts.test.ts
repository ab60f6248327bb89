/**
 * `peering-autopilot demo --accounts`: the tutorial across a member account and the hub, on its
 * own local AWS (its own file: the demo sets the member list before the handlers first load).
 */
import { EXIT } from '../../cli/src/io.js';
import { main } from '../../cli/src/main.js';

it('demo --accounts configures Marketing (member) <> Finance (hub) from a forwarded event and heals member drift', async () => {
  const out: string[] = [];
  const code = await main(['node', 'peering-autopilot', 'demo', '--accounts'], {
    out: (t) => out.push(t),
    err: (t) => out.push(t),
  });
  const text = out.join('\n');
  expect(code).toBe(EXIT.ok);
  // Real packets across the two accounts (the kernel replica reads both accounts' state from moto).
  expect(text).toMatch(/ping MarketingServer -> FinanceServer [\d.]+: passed \(3\/3 replies/);
  expect(text).toContain(
    'Marketing (10.10.0.0/16, account 111111111111) <> Finance (172.31.0.0/16, account 123456789012)',
  );
  expect(text).toContain('Accept request (tutorial steps 16-18): accepted, now active');
  expect(text).toContain('hub    123456789012: active, peering-autopilot:status=configured');
  expect(text).toContain('member 111111111111: active, peering-autopilot:status=configured');
  expect(text).toMatch(
    /DeleteRoute in 111111111111 -> forwarded -> hub starter -> workflow \(through the member role\): SUCCEEDED/,
  );
  expect(text).toMatch(
    /Marketing \(member\): Marketing route table rtb-\w+ routes 172\.31\.0\.0\/16 via pcx-/,
  );
  expect(text).toMatch(/Finance \(hub\): +Finance route table rtb-\w+ routes 10\.10\.0\.0\/16 via pcx-/);
  expect(text).toContain('Local AWS stopped.');
}, 120_000);
