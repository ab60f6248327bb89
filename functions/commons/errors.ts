/**
 * Errors the workflow branches on. Each `name` is matched by `ErrorEquals` in the ASL, so the
 * names are a contract between the functions and state-machines/peering-workflow.asl.json.
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
