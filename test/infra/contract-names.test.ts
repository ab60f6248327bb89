/**
 * The names the package gives users of any jsii language (TagKeys, RunOutcome, Decision,
 * VerificationStatus) are the ones the functions write and read (functions/commons/contracts.ts,
 * ARCHITECTURE "Tags" and "Workflow result").
 */
import { DECISIONS, OUTCOMES, TAGS, VERIFICATION_STATUSES } from '../../functions/commons/contracts.js';
import { Decision, RunOutcome, TagKeys, VerificationStatus } from '../../infra/contract-names.js';

/** The class's static string constants other than ALL. */
const constants = (c: object) =>
  Object.entries(c)
    .filter(([k, v]) => k !== 'ALL' && typeof v === 'string')
    .map(([, v]) => v as string);

describe('names for reading results from a CDK app', () => {
  it('TagKeys names exactly the tag keys the functions read and write', () => {
    expect(constants(TagKeys).sort()).toEqual(Object.values(TAGS).sort());
  });

  it.each([
    ['RunOutcome', RunOutcome, OUTCOMES],
    ['Decision', Decision, DECISIONS],
    ['VerificationStatus', VerificationStatus, VERIFICATION_STATUSES],
  ] as const)('%s.ALL and its constants are exactly the values a run writes', (_, names, values) => {
    expect(names.ALL).toEqual([...values]);
    expect(constants(names).sort()).toEqual([...values].sort());
  });
});
