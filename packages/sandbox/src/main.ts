import { getTelemetry } from '../../../src/telemetry/sdk.ts';
import { SANDBOX_TOKEN, type Sandbox, startSandbox } from './start-sandbox.ts';
import { runTerminalChat } from './terminal-chat.ts';

/**
 * `npm run sandbox`: the Telegram fake on SANDBOX_TELEGRAM_PORT (default 8081) with its web chat,
 * the KIE and LLM fakes, and the real bot against them, on the embedded database under
 * DATA_DIR/sandbox. With a terminal you also chat right here; without one (Docker) the servers run.
 */
// SANDBOX_CHAT=1 forces the chat on piped stdin (scripts, tests).
const interactive = Boolean(process.stdin.isTTY) || process.env.SANDBOX_CHAT === '1';

let sandbox: Sandbox;
try {
  sandbox = await startSandbox({ env: process.env, interactive });
} catch (error) {
  console.error('Sandbox failed to start:', error);
  await getTelemetry()?.shutdown();
  process.exit(1);
}

let stopping = false;
async function stop(code = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    await sandbox.stop();
    await getTelemetry()?.shutdown();
  }
  process.exit(code);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

const grafana = process.env.GRAFANA_URL || 'http://localhost:3000';
console.log(
  `Sandbox ready: Telegram fake at ${sandbox.telegram.apiRoot}, bot health at http://127.0.0.1:${sandbox.app.port}/healthz`,
);
console.log(`Web chat: ${sandbox.webChatUrl} (trace links open Grafana at ${grafana})`);
console.log(
  `Data in ${sandbox.config.dataDir}. Telemetry goes to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318'} unless OTEL_SDK_DISABLED=true.`,
);
if (interactive) await runTerminalChat(sandbox.telegram, SANDBOX_TOKEN, () => stop());
