import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { KieApiError, KieHttpError, KieTaskFailedError } from '../../../src/clients/kie/index.ts';
import {
  CREATE_PATH,
  NANO_BANANA,
  pollUntilDone,
  rejectionOf,
  requestsTo,
  TEST_KIE_KEY,
  withKie,
} from './kie-client-harness.ts';

describe('KIE client: tasks', () => {
  it('creates a task and polls it to success; the result URL downloads', () =>
    withKie({}, {}, async (_fake, client) => {
      const { taskId } = await client.createTask(NANO_BANANA);
      assert.match(taskId, /^task_google_/);
      const info = await pollUntilDone(client, taskId);
      assert.equal(info.state, 'success');
      assert.equal(info.model, 'google/nano-banana');
      assert.equal(info.resultUrls?.length, 1);
      assert.deepEqual(info.param, { model: NANO_BANANA.model, input: NANO_BANANA.input });
      assert.equal(info.failCode, undefined, 'empty strings are dropped');
      const file = await fetch(info.resultUrls?.[0] ?? '');
      assert.equal(file.status, 200);
      assert.ok((await file.arrayBuffer()).byteLength > 0);
    }));

  it('reports a failed task as state fail with failCode/failMsg, without throwing', () =>
    withKie({}, {}, async (fake, client) => {
      fake.script(NANO_BANANA.model, { outcome: 'fail', failCode: '422', failMsg: 'nsfw' });
      const { taskId } = await client.createTask(NANO_BANANA);
      const info = await pollUntilDone(client, taskId);
      assert.deepEqual([info.state, info.done, info.failCode, info.failMsg], ['fail', true, '422', 'nsfw']);
      assert.equal(info.resultUrls, undefined);
    }));

  it('reads the credit balance', () =>
    withKie({ credits: 1234 }, {}, async (_fake, client) => {
      assert.equal(await client.credits(), 1234);
    }));
});

const EXPECTED: Array<[number, abstract new (...args: never[]) => KieApiError, string, boolean, string]> = [
  [402, KieApiError, 'kie.insufficient_credits', false, 'error-unavailable'],
  [422, KieApiError, 'kie.422', false, 'error-generic'],
  [455, KieApiError, 'kie.455', true, 'error-unavailable'],
  [501, KieTaskFailedError, 'kie.501', false, 'error-unavailable'],
  [505, KieApiError, 'kie.505', false, 'error-unavailable'],
];

for (const transport of ['body-code', 'mirror'] as const) {
  describe(`KIE client: error mapping, ${transport} transport (§9 row 2)`, () => {
    for (const [kieCode, cls, code, retryable, userMessageKey] of EXPECTED) {
      it(`maps body code ${kieCode} to ${cls.name} ${code}`, () =>
        withKie({ transport }, { retry: { maxAttempts: 1 } }, async (fake, client) => {
          fake.failNext('createTask', kieCode);
          const error = await rejectionOf(client.createTask(NANO_BANANA));
          assert.ok(error instanceof cls, `got ${inspect(error)}`);
          assert.ok(error instanceof KieApiError);
          assert.equal(error.constructor, cls, 'exact class');
          assert.equal(error.code, code);
          assert.equal(error.kieCode, kieCode);
          assert.equal(error.httpStatus, transport === 'mirror' ? kieCode : 200);
          assert.equal(error.endpoint, 'createTask');
          assert.equal(error.retryable, retryable);
          assert.equal(error.userMessageKey, userMessageKey);
          assert.equal(typeof error.msg, 'string');
          assert.ok(error.msg.length > 0);
        }));
    }

    it('maps a bad key to kie.401 (HTTP status and body agree in either mode)', () =>
      withKie({ transport }, { apiKey: 'kie-wrong-key-000' }, async (fake, client) => {
        const error = await rejectionOf(client.createTask(NANO_BANANA));
        assert.ok(error instanceof KieApiError);
        assert.deepEqual([error.code, error.retryable], ['kie.401', false]);
        assert.equal(requestsTo(fake, CREATE_PATH).length, 1, 'never retried');
      }));
  });
}

describe('KIE client: retries (§3 retry column)', () => {
  it('retries a 429 after the window, transparently', () =>
    withKie({}, { createWindowMs: 150 }, async (fake, client) => {
      fake.failNext('createTask', 429, { times: 1 });
      const started = Date.now();
      const { taskId } = await client.createTask(NANO_BANANA);
      assert.ok(taskId);
      const seen = requestsTo(fake, CREATE_PATH);
      assert.deepEqual(
        seen.map((r) => r.code),
        [429, 200],
      );
      assert.ok(Date.now() - started >= 150, 'waited out the window');
    }));

  it('retries 500 twice with growing backoff, then succeeds', () =>
    withKie({}, {}, async (fake, client) => {
      fake.failNext('createTask', 500, { times: 2 });
      await client.createTask(NANO_BANANA);
      const seen = requestsTo(fake, CREATE_PATH);
      assert.deepEqual(
        seen.map((r) => r.code),
        [500, 500, 200],
      );
      const gaps = [1, 2].map((i) => (seen[i]?.at ?? 0) - (seen[i - 1]?.endedAt ?? 0));
      assert.ok((gaps[0] ?? 0) >= 9 && (gaps[1] ?? 0) >= 19, `backoff 10 then 20 ms, got ${gaps.join(', ')}`);
    }));

  it('gives up after maxAttempts on a persistent 500 and keeps the last error', () =>
    withKie({}, { retry: { maxAttempts: 3, baseDelayMs: 1 } }, async (fake, client) => {
      fake.failNext('recordInfo', 500, { times: 5 });
      const error = await rejectionOf(client.recordInfo('task_x'));
      assert.ok(error instanceof KieApiError);
      assert.equal(error.code, 'kie.500');
      assert.equal(requestsTo(fake, '/api/v1/jobs/recordInfo').length, 3);
    }));

  for (const code of [402, 422, 404, 433, 505]) {
    it(`never retries body code ${code}`, () =>
      withKie({}, {}, async (fake, client) => {
        fake.failNext('createTask', code, { times: 3 });
        const error = await rejectionOf(client.createTask(NANO_BANANA));
        assert.ok(error instanceof KieApiError);
        assert.equal(requestsTo(fake, CREATE_PATH).length, 1);
      }));
  }

  it('does not retry a recordInfo 404 (unknown task)', () =>
    withKie({}, {}, async (fake, client) => {
      const error = await rejectionOf(client.recordInfo('task_missing'));
      assert.ok(error instanceof KieApiError);
      assert.equal(error.code, 'kie.404');
      assert.equal(requestsTo(fake, '/api/v1/jobs/recordInfo').length, 1);
    }));
});

describe('KIE client: transport', () => {
  it('passes a fake that demands a User-Agent, because it always sends tg-genbot/<version>', () =>
    withKie({ requireUserAgent: true }, {}, async (_fake, client) => {
      const { taskId } = await client.createTask(NANO_BANANA);
      assert.ok(taskId);
      assert.equal(typeof (await client.credits()), 'number');
    }));

  it("turns Cloudflare's bare 403 into a non-retryable KieHttpError with a body excerpt", () =>
    withKie({ requireUserAgent: true }, { userAgent: 'node' }, async (fake, client) => {
      const error = await rejectionOf(client.recordInfo('task_x'));
      assert.ok(error instanceof KieHttpError);
      assert.equal(error.code, 'kie.bad_response');
      assert.equal(error.httpStatus, 403);
      assert.equal(error.bodyExcerpt, 'error code: 1010');
      assert.equal(error.retryable, false);
      assert.equal(fake.requests().length, 1);
    }));

  it('times out a slow create with kie.timeout and does not resend it (§9 row 16)', () =>
    withKie({}, { timeoutMs: 200 }, async (fake, client) => {
      fake.script(NANO_BANANA.model, { outcome: 'success', slowCreateMs: 1000 });
      const error = await rejectionOf(client.createTask(NANO_BANANA));
      assert.ok(error instanceof KieHttpError, inspect(error));
      assert.equal(error.code, 'kie.timeout');
      assert.equal(error.sent, true);
      assert.equal(error.retryable, false);
      assert.equal(error.userMessageKey, 'error-unavailable');
      assert.equal(requestsTo(fake, CREATE_PATH).length, 1);
      assert.equal(fake.tasks().length, 1, 'the task exists anyway: reconcile via callback');
    }));

  it('retries a connect failure, which never reached KIE, and reports kie.network', async () => {
    const { createKieClient } = await import('../../../src/clients/kie/index.ts');
    // Port 1 on loopback refuses connections.
    const client = createKieClient({
      baseUrl: 'http://127.0.0.1:1',
      apiKey: TEST_KIE_KEY,
      timeoutMs: 500,
      createPer10s: 20,
      pollsPerSecond: 10,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    try {
      const error = await rejectionOf(client.createTask(NANO_BANANA));
      assert.ok(error instanceof KieHttpError);
      assert.deepEqual([error.code, error.sent, error.retryable], ['kie.network', false, true]);
    } finally {
      await client.close();
    }
  });

  it('stops waiting when the caller aborts, with the abort reason', () =>
    withKie({}, {}, async (fake, client) => {
      fake.script(NANO_BANANA.model, { outcome: 'success', slowCreateMs: 1000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('user cancelled')), 50);
      const error = await rejectionOf(client.createTask(NANO_BANANA, { signal: controller.signal }));
      assert.ok(!(error instanceof KieHttpError), inspect(error));
      assert.match(String((error as Error).message), /user cancelled/);
    }));
});

describe('KIE client: the API key stays secret', () => {
  it('registers the callback HMAC key it is handed (config.kie is spread into the options) as a secret', () =>
    withKie({}, { callbackHmacKey: 'whsec-client-77aa' }, async () => {
      const { redact } = await import('../../../src/telemetry/redact.ts');
      assert.equal(redact('sig key whsec-client-77aa'), 'sig key <redacted>');
    }));

  it('never puts the key into an error message, details, excerpt or inspect output', () =>
    withKie({ requireUserAgent: true }, { timeoutMs: 200 }, async (fake, client) => {
      const errors: unknown[] = [];
      fake.failNext('createTask', 402, { msg: `no credits for Bearer ${TEST_KIE_KEY}` });
      errors.push(await rejectionOf(client.createTask(NANO_BANANA)));
      fake.failNext('recordInfo', 422, { msg: `echo ${TEST_KIE_KEY}` });
      errors.push(await rejectionOf(client.recordInfo('task_x')));
      fake.script(NANO_BANANA.model, { outcome: 'success', slowCreateMs: 1000 });
      errors.push(await rejectionOf(client.createTask(NANO_BANANA)));
      for (const error of errors) {
        assert.ok(error instanceof Error);
        const text = [error.message, JSON.stringify(error), inspect(error, { depth: 5 }), error.stack].join(
          '\n',
        );
        assert.ok(!text.includes(TEST_KIE_KEY), text);
      }
      assert.ok((errors[1] as KieApiError).msg.includes('<redacted>'), 'an echoed key is scrubbed from msg');
    }));
});
