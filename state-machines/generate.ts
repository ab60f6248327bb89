/**
 * Writes the generated ASL (`npm run generate`). CDK and the local runner read the written file;
 * test/unit/asl-generated.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { PEERING_WORKFLOW_ASL, peeringWorkflow } from './peering-workflow.js';

writeFileSync(PEERING_WORKFLOW_ASL, `${JSON.stringify(peeringWorkflow(), null, 2)}\n`);
process.stdout.write(`wrote ${PEERING_WORKFLOW_ASL}\n`);
