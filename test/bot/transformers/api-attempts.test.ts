import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { autoRetry } from '@grammyjs/auto-retry';
import { context, createContextKey } from '@opentelemetry/api';
import { Api } from 'grammy';
import { apiAttemptsTransformer } from '../../../src/bot/transformers/api-attempts.ts';
import { apiTracingTransformer } from '../../../src/bot/transformers/api-tracing.ts';
import { AppError } from '../../../src/errors/app-error.ts';
import { createBotMetrics } from '../../../src/telemetry/metrics.ts';

describe('the cap on Bot API attempts over a failing network', () => {
  it('holds with telemetry off (no OpenTelemetry context manager in this process)', async () => {
    // This file registers no SDK: OpenTelemetry's context is the no-op one, as with OTEL_SDK_DISABLED.
    const probe = Symbol('probe');
    const key = createContextKey('probe');
    assert.equal(
      context.with(context.active().setValue(key, probe), () => context.active().getValue(key)),
      undefined,
      'the no-op context manager drops values',
    );

    let requests = 0;
    const server = createServer((req) => {
      requests += 1;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const api = new Api('123:secret-token-for-the-test', { apiRoot: `http://127.0.0.1:${port}` });
      // The order createBot installs them in: attempts (innermost) → auto-retry → tracing.
      api.config.use(apiAttemptsTransformer(2));
      api.config.use(autoRetry({ maxDelaySeconds: 30, maxRetryAttempts: 4 }));
      api.config.use(apiTracingTransformer(createBotMetrics()));
      // An endless doubling would never reject; the request count shows there was one backoff.
      await assert.rejects(
        api.sendMessage(1, 'hello'),
        (error) => error instanceof AppError && error.code === 'telegram.network',
      );
      assert.equal(requests, 2, 'two attempts, then given up');
    } finally {
      server.close();
    }
  });
});
