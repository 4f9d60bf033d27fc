import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, GrammyError } from 'grammy';
import { createResultDelivery } from '../../../src/bot/generations/deliver-result.ts';
import { createI18n } from '../../../src/bot/i18n.ts';
import { loadCatalog } from '../../../src/catalog/index.ts';
import { CATALOG_PATH_DEFAULT } from '../../../src/config.ts';
import { DeliveryRejectedError, type Generation } from '../../../src/services/generations/index.ts';
import type { UserService } from '../../../src/services/user.service.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';

const generation = {
  id: 'g1',
  userId: 1,
  chatId: 1,
  modelId: 'nano-banana',
  input: { prompt: 'fox' },
  dryRun: false,
  resultUrls: ['http://kie.test/files/1.png'],
  kieTaskId: 't1',
} as unknown as Generation;

/** An Api whose every sendPhoto/sendDocument Telegram refuses, recording what was attempted. */
function refusingApi(calls: string[]) {
  const api = new Api('1:fake-token-for-unit-tests');
  api.config.use(async (_prev, method) => {
    calls.push(method);
    throw new GrammyError(
      `Call to '${method}' failed!`,
      { ok: false, error_code: 400, description: 'Bad Request: failed to get HTTP URL content' },
      method,
      {},
    );
  });
  return api;
}

/** A body of `size` bytes in 1 KiB chunks, with no Content-Length. */
const streamOf = (size: number) =>
  new Response(
    new ReadableStream({
      start(c) {
        for (let sent = 0; sent < size; sent += 1024) c.enqueue(new Uint8Array(Math.min(1024, size - sent)));
        c.close();
      },
    }),
  );

describe('result delivery', () => {
  const deps = {
    i18n: createI18n('en'),
    catalog: loadCatalog(CATALOG_PATH_DEFAULT),
    users: { get: async () => undefined } as unknown as UserService,
    logger: createCaptureLogger().logger,
    defaultLanguage: 'en' as const,
  };

  it('refuses a result over the limit while downloading it, even without a Content-Length', async () => {
    const calls: string[] = [];
    const deliver = createResultDelivery({
      ...deps,
      api: refusingApi(calls),
      maxUploadBytes: 4096,
      fetch: async () => streamOf(64 * 1024),
    });
    await assert.rejects(
      deliver(generation),
      (e) => e instanceof DeliveryRejectedError && /over 4096 bytes/.test(e.message),
    );
    assert.deepEqual(calls, ['sendPhoto'], 'tried the URL once, never uploaded the oversized file');
  });

  it('a result KIE no longer has (404) is refused for good, not retried', async () => {
    const calls: string[] = [];
    const deliver = createResultDelivery({
      ...deps,
      api: refusingApi(calls),
      fetch: async () => new Response('gone', { status: 404 }),
    });
    await assert.rejects(deliver(generation), DeliveryRejectedError);
  });
});
