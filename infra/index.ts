export { DemoNetworkStack } from './demo-network-stack.js';
export { type AcceptPolicy, PeeringAutopilot, type PeeringAutopilotProps } from './peering-autopilot.js';
export { PeeringAutopilotStack } from './peering-autopilot-stack.js';
