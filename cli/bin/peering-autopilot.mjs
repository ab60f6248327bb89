#!/usr/bin/env node
// Entry point for `npx peering-autopilot`: loads the TypeScript CLI through tsx, so the repo
// needs no build step between `npm ci` and the first command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
