/** The sandbox as tests start it: the bot in-process against the three fakes. */
export { sandboxFaultSwitches } from './fault-switches.ts';
export { SANDBOX_KIE_API_KEY, SANDBOX_TOKEN, type Sandbox, startSandbox } from './start-sandbox.ts';
