import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { trace } from '@opentelemetry/api';
import { startTelemetry } from '../../src/telemetry/sdk.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

it('keeps memory bounded when the OTLP endpoint is down (spans are dropped, not queued forever)', async () => {
  const telemetry = startTelemetry({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_BSP_SCHEDULE_DELAY: '50' },
  });
  const tracer = trace.getTracer('bounded-test');
  const payload = 'x'.repeat(1024);
  gc();
  const before = process.memoryUsage().heapUsed;
  // 40k spans of ~1 KiB: ~40 MiB if they all stayed queued.
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 1000; i++)
      tracer.startSpan('load', { attributes: { payload: `${payload}${i}` } }).end();
    await new Promise((r) => setTimeout(r, 5));
  }
  gc();
  const grownMiB = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  await telemetry.shutdown();
  assert.ok(grownMiB < 20, `heap grew ${grownMiB.toFixed(1)} MiB`);
});
