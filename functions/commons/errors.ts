/**
 * The failures the functions throw, by name. The ASL does not branch on them: each Task catches
 * `States.ALL` and hands `{Error, Cause}` to Report (state-machines/builder.ts), which matches the
 * name as a string — an `InputValidationError` writes nothing, any other becomes the `failed`
 * outcome with its message — and the failed execution shows the same name. The `name` is set as a
 * string, not taken from the class, because the bundles are minified.
 */

/** The workflow input or an event failed validation; nothing was changed. */
export class InputValidationError extends Error {
  override name = 'InputValidationError';
}

/** The peering id does not exist (or is not visible to this account). */
export class PeeringNotFoundError extends Error {
  override name = 'PeeringNotFoundError';
}

/** The peering left the path to `active` (deleted, rejected, failed) while we waited or wrote. */
export class PeeringNotActiveError extends Error {
  override name = 'PeeringNotActiveError';
}

/** Cleanup removed what it could but something of ours is left; the sweep runs it again. */
export class CleanupIncompleteError extends Error {
  override name = 'CleanupIncompleteError';
}
