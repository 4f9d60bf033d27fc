/**
 * Preloaded with `node --import ./src/instrumentation.ts`: registers the ESM loader hook and starts
 * the OpenTelemetry SDK before any app module (grammy, pg, winston, http) is loaded. Only
 * instrumented modules are hooked (createAddHookMessageChannel), per the OTel JS ESM guide.
 */
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';

if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true') {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const { startTelemetry } = await import('./telemetry/sdk.ts');
  startTelemetry();
  await waitForAllMessagesAcknowledged();
} else {
  const { startTelemetry } = await import('./telemetry/sdk.ts');
  startTelemetry();
}
