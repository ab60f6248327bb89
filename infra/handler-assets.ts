/**
 * Where the functions' code and the workflow definition come from: one folder of build output,
 * `assets/` (packaging/bundle.ts builds it: `handlers/<Step>/index.mjs` and the generated ASL).
 * The published package ships it next to its compiled code and finds it there; an app that builds
 * it from this repository's sources names it in the context key `peering-autopilot:assets` (this
 * repository's app and tests do). Either way the construct only reads files: no bundler, Docker or
 * lock file at the user's synth.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { DefinitionBody } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Context key: a folder built by packaging/bundle.ts, used instead of the package's own. */
export const ASSETS_CONTEXT = 'peering-autopilot:assets';
/** The handlers' folder inside the assets: one `<Step>/index.mjs` (+ source map) per function. */
export const HANDLERS_DIR = 'handlers';
/** The generated workflow definition inside the assets. */
export const WORKFLOW_DEFINITION_FILE = 'peering-workflow.asl.json';

/** The assets folder this construct tree deploys from. */
export function assetsDir(scope: Construct): string {
  const named: unknown = scope.node.tryGetContext(ASSETS_CONTEXT);
  const dir =
    typeof named === 'string' && named !== ''
      ? resolve(named)
      : // Compiled into the package (CommonJS): lib/infra/ -> the package root's assets/.
        typeof __dirname === 'string'
        ? join(__dirname, '..', '..', 'assets')
        : undefined;
  if (dir === undefined || !existsSync(join(dir, WORKFLOW_DEFINITION_FILE))) {
    throw new Error(
      `Peering Autopilot assets not found${dir ? ` at ${dir}` : ''}: install the published package, or build them ` +
        `from a checkout (npm run bundle) and name the folder in the context key ${ASSETS_CONTEXT}`,
    );
  }
  return dir;
}

/** A function's code: its pre-built handler folder (`index.mjs`, handler `index.handler`). */
export function handlerCode(scope: Construct, id: string): Code {
  return Code.fromAsset(join(assetsDir(scope), HANDLERS_DIR, id));
}

/** The workflow's definition: the generated ASL (placeholders filled by definitionSubstitutions). */
export function workflowDefinition(scope: Construct): DefinitionBody {
  return DefinitionBody.fromFile(join(assetsDir(scope), WORKFLOW_DEFINITION_FILE));
}
