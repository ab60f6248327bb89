/**
 * The package's public API (jsii: TypeScript, JavaScript and Python): the hub construct and stack,
 * the member construct and stack, the tutorial's demo network, and the names a user reads results by.
 */
export { Decision, RunOutcome, TagKeys, VerificationStatus } from './contract-names.js';
export { DemoNetworkStack } from './demo-network-stack.js';
export { PeeringAutopilotMember, type PeeringAutopilotMemberProps } from './member.js';
export { PeeringAutopilot } from './peering-autopilot.js';
export { PeeringAutopilotMemberStack } from './peering-autopilot-member-stack.js';
export { PeeringAutopilotStack } from './peering-autopilot-stack.js';
export { AcceptPolicy, DnsResolution, OutsideAccounts, type PeeringAutopilotProps } from './props.js';
