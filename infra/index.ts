export { type AcceptPolicy, PeeringAutopilot, type PeeringAutopilotProps } from './peering-autopilot.js';
export { PeeringAutopilotStack } from './peering-autopilot-stack.js';
