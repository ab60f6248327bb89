/**
 * The committed ASL is generated from state-machines/peering-workflow.ts: these tests
 * fail when someone edits one without the other (`npm run generate` fixes it).
 */
import { readFileSync } from 'node:fs';
import { AWS_RETRY, LAMBDA_RETRY, placeholdersIn, RESULT_FIELDS } from '../../state-machines/builder.js';
import { PEERING_WORKFLOW_ASL, peeringWorkflow } from '../../state-machines/peering-workflow.js';
import { STEPS } from '../../state-machines/steps.js';

const committed = JSON.parse(readFileSync(PEERING_WORKFLOW_ASL, 'utf8')) as ReturnType<
  typeof peeringWorkflow
>;

it('the committed .asl.json is exactly what the builder generates (run `npm run generate` after a change)', () => {
  expect(JSON.stringify(committed)).toBe(JSON.stringify(peeringWorkflow()));
});

it('every step of the table has its placeholder in the ASL, and the ASL names no other', () => {
  expect(placeholdersIn(JSON.stringify(committed))).toEqual(STEPS.map((s) => s.placeholder).sort());
});

it('every Lambda task carries the shared retry policy and a Catch', () => {
  const tasks = Object.entries(committed.States).filter(([, s]) => s.Type === 'Task');
  expect(tasks.length).toBeGreaterThanOrEqual(8);
  for (const [name, s] of tasks) {
    expect([name, (s.Retry as unknown[])[0]]).toEqual([name, LAMBDA_RETRY]);
    expect(s.Catch).toHaveLength(1);
    expect(typeof s.TimeoutSeconds).toBe('number');
  }
  const withAws = tasks.filter(([, s]) => (s.Retry as unknown[]).length === 2);
  for (const [, s] of withAws) expect((s.Retry as unknown[])[1]).toEqual(AWS_RETRY);
});

it('every result state carries every field of the result contract', () => {
  const results = ['Result', 'UnchangedResult', 'Refused', 'RefusedWithRemovals', 'CleanedUp'];
  for (const name of results) {
    const params = committed.States[name]?.Parameters as Record<string, unknown>;
    const fields = Object.keys(params).map((k) => k.replace(/\.\$$/, ''));
    expect([name, fields.filter((f) => f in RESULT_FIELDS)]).toEqual([name, Object.keys(RESULT_FIELDS)]);
  }
});
