/**
 * The names people see on dashboards and tags: metric names, run outcomes (the status tag values)
 * and verification statuses. Handlers emit them and the construct's dashboard and alarms read them
 * from here, so a renamed metric cannot leave a dashboard graphing nothing.
 */

/** Every metric the functions emit (namespace METRICS_NAMESPACE, dimension service=peering-autopilot). */
export const METRIC = {
  runs: 'Runs',
  verifications: 'Verifications',
  heals: 'Heals',
  routeConflicts: 'RouteConflicts',
  routesCreated: 'RoutesCreated',
  rulesCreated: 'RulesCreated',
  routesRemoved: 'RoutesRemoved',
  rulesRemoved: 'RulesRemoved',
  plannedWrites: 'PlannedWrites',
  peeringsInspected: 'PeeringsInspected',
  peeringsAccepted: 'PeeringsAccepted',
  activationPolls: 'ActivationPolls',
  executionsStarted: 'ExecutionsStarted',
  duplicatesDropped: 'DuplicatesDropped',
  malformedEvents: 'MalformedEvents',
  sweepPeeringsChecked: 'SweepPeeringsChecked',
  sweepPeeringsDrifted: 'SweepPeeringsDrifted',
  sweepExecutionsStarted: 'SweepExecutionsStarted',
  sweepApiCalls: 'SweepApiCalls',
  /** Places (account, region) a sweep could not read; the alarm watches this one. */
  sweepPlacesFailed: 'SweepPlacesFailed',
  /** The same, per place (dimensions account, region), published only for a place that failed. */
  sweepPlaceFailures: 'SweepPlaceFailures',
} as const;

/** A run's outcome: the `peering-autopilot:status` tag value and the `outcome` dimension of Runs. */
export const OUTCOMES = [
  'configured',
  'partial',
  'conflict',
  'invalid-tag',
  'refused',
  'cleaned-up',
  'rejected',
  'expired',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A verification's status: the `status` dimension of Verifications. */
export const VERIFICATION_STATUSES = ['passed', 'failed', 'inconclusive', 'skipped'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
