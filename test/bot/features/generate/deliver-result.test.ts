import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, GrammyError } from 'grammy';
import { createResultDelivery } from '../../../../src/bot/features/generate/deliver-result.ts';
import { createI18n } from '../../../../src/bot/i18n.ts';
import { loadCatalog } from '../../../../src/catalog/index.ts';
import { CATALOG_PATH_DEFAULT } from '../../../../src/config.ts';
import { DeliveryRejectedError, type Generation } from '../../../../src/services/generations/index.ts';
import type { UserService } from '../../../../src/services/user.service.ts';
import { createCaptureLogger } from '../../../support/capture-logger.ts';

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

/** A Telegram answer scripted for one call: a refusal (`error_code`, `description`) or success. */
type Answer = { error_code: number; description: string } | 'ok';

/** An Api that answers each call with the next scripted answer, recording method and media sent. */
function scriptedApi(answers: Answer[], calls: Array<{ method: string; media: string }>) {
  const api = new Api('1:fake-token-for-unit-tests');
  api.config.use(async (_prev, method, payload) => {
    const p = payload as Record<string, unknown>;
    const media = p.photo ?? p.video ?? p.audio ?? p.document;
    calls.push({ method, media: typeof media === 'string' ? 'url' : 'upload' });
    const answer = answers.shift() ?? 'ok';
    if (answer === 'ok') {
      const file = { file_id: `f${calls.length}`, file_unique_id: `u${calls.length}` };
      const result = {
        message_id: calls.length,
        date: 0,
        chat: { id: 1, type: 'private' },
        ...(method === 'sendDocument' ? { document: file } : { photo: [{ ...file, width: 1, height: 1 }] }),
      };
      return { ok: true, result } as never;
    }
    throw new GrammyError(`Call to '${method}' failed!`, { ok: false, ...answer }, method, p);
  });
  return api;
}

/** A download that counts how often it ran. */
function countingFetch() {
  const fetched: string[] = [];
  const fetchFn = (async (url: string) => {
    fetched.push(url);
    return new Response(new Uint8Array(16), { headers: { 'content-length': '16' } });
  }) as unknown as typeof fetch;
  return { fetched, fetchFn };
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

  for (const description of [
    'Bad Request: failed to get HTTP URL content',
    'Bad Request: wrong file identifier/HTTP URL specified',
    'Bad Request: wrong type of the web page content',
    'Bad Request: WEBPAGE_CURL_FAILED',
    'Bad Request: WEBPAGE_MEDIA_EMPTY',
  ]) {
    it(`falls back to download and upload when Telegram cannot use the URL (${description})`, async () => {
      const calls: Array<{ method: string; media: string }> = [];
      const { fetched, fetchFn } = countingFetch();
      const deliver = createResultDelivery({
        ...deps,
        api: scriptedApi([{ error_code: 400, description }, 'ok'], calls),
        fetch: fetchFn,
      });
      const result = await deliver(generation);
      assert.deepEqual(calls, [
        { method: 'sendPhoto', media: 'url' },
        { method: 'sendPhoto', media: 'upload' },
      ]);
      assert.deepEqual(fetched, ['http://kie.test/files/1.png']);
      assert.deepEqual(result, { kind: 'photo', fileId: 'f2' });
    });
  }

  for (const [code, description] of [
    [400, 'Bad Request: message caption is too long'],
    [400, 'Bad Request: chat not found'],
    [400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'],
    [400, 'Bad Request: strings must be encoded in UTF-8'],
    [403, 'Forbidden: bot was blocked by the user'],
  ] as const) {
    it(`refuses for good, without downloading, on a 4xx that is not about the URL (${description})`, async () => {
      const calls: Array<{ method: string; media: string }> = [];
      const { fetched, fetchFn } = countingFetch();
      const deliver = createResultDelivery({
        ...deps,
        api: scriptedApi([{ error_code: code, description }], calls),
        fetch: fetchFn,
      });
      await assert.rejects(
        deliver(generation),
        (e) =>
          e instanceof DeliveryRejectedError &&
          e.message === description &&
          e.cause instanceof GrammyError &&
          e.cause.error_code === code,
      );
      assert.deepEqual(calls, [{ method: 'sendPhoto', media: 'url' }], 'one call, no re-upload');
      assert.deepEqual(fetched, [], 'nothing downloaded');
    });
  }

  it('leaves a 429 at the URL send to the retry, not to the upload fallback or a refund', async () => {
    const calls: Array<{ method: string; media: string }> = [];
    const { fetched, fetchFn } = countingFetch();
    const deliver = createResultDelivery({
      ...deps,
      api: scriptedApi([{ error_code: 429, description: 'Too Many Requests: retry after 5' }], calls),
      fetch: fetchFn,
    });
    await assert.rejects(
      deliver(generation),
      (e) => e instanceof GrammyError && !(e instanceof DeliveryRejectedError) && e.error_code === 429,
    );
    assert.deepEqual(fetched, []);
  });

  it('sends a photo Telegram will not take as a photo as a document', async () => {
    const calls: Array<{ method: string; media: string }> = [];
    const { fetchFn } = countingFetch();
    const deliver = createResultDelivery({
      ...deps,
      api: scriptedApi(
        [
          { error_code: 400, description: 'Bad Request: PHOTO_INVALID_DIMENSIONS' },
          { error_code: 400, description: 'Bad Request: PHOTO_INVALID_DIMENSIONS' },
          'ok',
        ],
        calls,
      ),
      fetch: fetchFn,
    });
    assert.deepEqual(await deliver(generation), { kind: 'document', fileId: 'f3' });
    assert.deepEqual(
      calls.map((c) => c.method),
      ['sendPhoto', 'sendPhoto', 'sendDocument'],
    );
  });

  it('does not retry an uploaded photo as a document when the refusal is not about the photo', async () => {
    const calls: Array<{ method: string; media: string }> = [];
    const { fetchFn } = countingFetch();
    const deliver = createResultDelivery({
      ...deps,
      api: scriptedApi(
        [
          { error_code: 400, description: 'Bad Request: failed to get HTTP URL content' },
          { error_code: 400, description: 'Bad Request: message caption is too long' },
        ],
        calls,
      ),
      fetch: fetchFn,
    });
    await assert.rejects(deliver(generation), DeliveryRejectedError);
    assert.deepEqual(
      calls.map((c) => c.method),
      ['sendPhoto', 'sendPhoto'],
    );
  });

  it('cuts a long prompt in the caption between characters, never inside an emoji', async () => {
    const captions: string[] = [];
    const api = new Api('1:fake-token-for-unit-tests');
    api.config.use(async (_prev, method, payload) => {
      captions.push(String((payload as { caption?: unknown }).caption));
      const result = { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, photo: [] };
      return { ok: true, result: method === 'sendPhoto' ? result : true } as never;
    });
    const deliver = createResultDelivery({ ...deps, api });
    // 299 units of text, then an emoji across the 300-unit limit.
    const prompt = `${'a'.repeat(299)}😀${'b'.repeat(50)}`;
    await deliver({ ...generation, input: { prompt } } as Generation);
    const excerpt = captions[0]?.split('\n')[1] ?? '';
    assert.equal(excerpt, `${'a'.repeat(299)}…`);
    assert.ok(captions[0]?.isWellFormed());
  });
});
