import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { createKieFake, type KieFakeOptions } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, nanoBanana } from './kie-test-client.ts';

async function withFake(
  options: KieFakeOptions,
  fn: (fake: ReturnType<typeof createKieFake>) => Promise<void>,
) {
  const fake = createKieFake({ timeScale: 0.01, ...options });
  await fake.start();
  try {
    await fn(fake);
  } finally {
    await fake.stop();
  }
}

const ERROR_CODES = [402, 422, 455, 501, 505];

describe('createKieFake: transport modes (§9 rows 1, 2, 14)', () => {
  it('body-code mode answers HTTP 200 with the code in the body, and HTTP 429 for throttling', () =>
    withFake({}, async (fake) => {
      for (const code of ERROR_CODES) {
        fake.failNext('createTask', code);
        const r = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
        assert.deepEqual([r.status, r.body.code], [200, code], `code ${code}`);
        assert.equal(typeof r.body.msg, 'string');
      }
      fake.failNext('recordInfo', 429);
      const throttled = await kieCall(fake, '/api/v1/jobs/recordInfo?taskId=x');
      assert.deepEqual([throttled.status, throttled.body.code], [429, 429]);
      assert.equal(fake.tasks().length, 0, 'injected failures create nothing');
    }));

  it('mirror mode sets the HTTP status to the body code', () =>
    withFake({ transport: 'mirror' }, async (fake) => {
      for (const code of [...ERROR_CODES, 429]) {
        fake.failNext('createTask', code);
        const r = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
        assert.deepEqual([r.status, r.body.code], [code, code], `code ${code}`);
      }
      const denied = await kieCall(fake, '/api/v1/chat/credit', undefined, { key: 'bad' });
      assert.deepEqual([denied.status, denied.body.code], [401, 401]);
      const ok = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
      assert.equal(ok.status, 200);
    }));

  it("can spell the message key 'message'", () =>
    withFake({ messageKey: 'message' }, async (fake) => {
      const r = await kieCall(fake, '/api/v1/chat/credit');
      assert.deepEqual(r.body, { code: 200, message: 'success', data: 10000 });
    }));

  it('rejects requests without a browser-like User-Agent with a bare 403 "error code: 1010"', () =>
    withFake({ requireUserAgent: true }, async (fake) => {
      // node:http sends no User-Agent unless told to.
      const bare = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = request(
          `${fake.baseUrl}/api/v1/chat/credit`,
          { headers: { Authorization: 'Bearer kie-test-key' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => {
              body += c;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(bare.status, 403);
      assert.equal(bare.body, 'error code: 1010');
      assert.match(bare.type, /^text\/plain/);
      // fetch's default User-Agent ("node") does not pass either.
      const defaultUa = await fetch(`${fake.baseUrl}/api/v1/chat/credit`, {
        headers: { Authorization: 'Bearer kie-test-key' },
      });
      assert.equal(defaultUa.status, 403);
      await defaultUa.text();
      const ok = await kieCall(fake, '/api/v1/chat/credit');
      assert.equal(ok.status, 200);
    }));
});
