/**
 * `peering-autopilot run <pcx> --local [--json]` against moto: output and exit codes.
 */
import { EXIT } from '../../cli/src/io.js';
import {
  buildSeedScenario,
  buildVpc,
  requestPeering,
  SEED_VPCS,
  type SeedVpcSpec,
} from '../../local/seed.js';
import { cli } from '../support/cli.js';
import { reset, useMoto } from '../support/local-aws.js';

const { ec2 } = useMoto();

describe('peering-autopilot run --local', () => {
  beforeEach(reset);

  it('--json prints exactly the workflow result and exits 0', async () => {
    const seed = await buildSeedScenario(ec2);
    const run = await cli('run', seed.peerings.marketingFinance, '--local', '--json');
    expect(run.code).toBe(EXIT.ok);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'peeringConnectionId',
        'decision',
        'routes',
        'securityGroupRules',
        'verification',
      ]),
    );
    expect(result.decision).toBe('accepted');
  });

  it("prints the changes in the tutorial's terms without --json", async () => {
    const seed = await buildSeedScenario(ec2);
    const run = await cli('run', seed.peerings.developerFinance, '--local', '--dry-run');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('Developer (10.20.0.0/16) <> Finance (172.31.0.0/16)');
    expect(run.stdout).toContain('to create');
    expect(run.stdout).toContain('Dry run: nothing was changed.');
  });

  it('exits 2 when the peering is refused', async () => {
    const [marketing, , finance] = SEED_VPCS as [SeedVpcSpec, SeedVpcSpec, SeedVpcSpec];
    const a = await buildVpc(ec2, marketing);
    const b = await buildVpc(ec2, { ...finance, cidr: '10.10.0.0/16', subnetCidr: '10.10.9.0/24' });
    const run = await cli('run', await requestPeering(ec2, a, b), '--local');
    expect(run.code).toBe(EXIT.refused);
    expect(run.stdout).toContain('REFUSED: overlapping CIDRs');
  });

  it('exits 1 with a one-line error for an unknown peering', async () => {
    const run = await cli('run', 'pcx-0123456789abcdef0', '--local');
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toBe(
      'workflow failed: PeeringNotFoundError: peeringConnectionId "pcx-0123456789abcdef0" was not found in region us-east-1 of account 123456789012',
    );
  });

  it('exits 64 naming the bad argument for a malformed id, before any AWS call', async () => {
    const run = await cli('run', 'vpc-123', '--local');
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('"vpc-123" is not a peering connection id');
  });
});
