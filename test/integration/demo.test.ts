/**
 * The README's main-job command (`peering-autopilot demo`): starts its own moto (and the kernel
 * replica's SSM endpoint), tells the story.
 */
import { EXIT } from '../../cli/src/io.js';
import { main } from '../../cli/src/main.js';

it('demo tells the tutorial story end to end on its own local AWS', async () => {
  const out: string[] = [];
  const code = await main(['node', 'peering-autopilot', 'demo'], {
    out: (t) => out.push(t),
    err: (t) => out.push(t),
  });
  const text = out.join('\n');
  expect(code).toBe(EXIT.ok);
  expect(text).toMatch(
    /Step 9: MarketingServer cannot reach FinanceServer: .* has no route to 172\.31\.0\.0\/16/,
  );
  expect(text).toContain('Marketing (10.10.0.0/16) <> Finance (172.31.0.0/16)');
  expect(text).toContain('Developer (10.20.0.0/16) <> Finance (172.31.0.0/16)');
  expect(text).toMatch(/Marketing: Marketing route table rtb-\w+ routes 172\.31\.0\.0\/16 via pcx-/);
  expect(text).toMatch(
    /FinanceServerSecurityGroup allows: icmp from 10\.10\.0\.0\/16 .*icmp from 10\.20\.0\.0\/16/,
  );
  expect(text).toContain('SUCCEEDED: 0 changes');
  expect(text).toContain('DNS resolution from the peer on the accepter side (Finance): enabled');
  // Real packets (issue "Real packets"): the ping ran in the kernel replica, passed, failed after the
  // drift and passed after the heal.
  expect(text).toMatch(/ping MarketingServer -> FinanceServer [\d.]+: passed \(3\/3 replies/);
  expect(text).toMatch(
    /Drift:[\s\S]*now: 3 packets transmitted, 0 received[\s\S]*now: 3 packets transmitted, 3 received/,
  );
  expect(text).toContain('About the ping (tutorial step 35): real packets.');
  expect(text).toContain(
    'static path diagnosis MarketingServer -> FinanceServer (from described state, not a measurement): path complete',
  );
  expect(text).toMatch(
    /CloudTrail DeleteRoute -> starter \(debounced, deduplicated\) -> workflow: SUCCEEDED, SUCCEEDED \(one run per peering of the Finance VPC\) in \d+ ms/,
  );
  expect(text).toMatch(
    /Drift:[\s\S]*has no route to 10\.10\.0\.0\/16[\s\S]*routes 10\.10\.0\.0\/16 via pcx-/,
  );
  expect(text).toContain('Local AWS stopped.');
}, 120_000);
