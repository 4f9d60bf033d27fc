import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import type { KieFault } from '@tg-genbot/fakes/kie';
import {
  createKieClient,
  KieApiError,
  KieHttpError,
  mayHaveCreatedTask,
  meansTaskGone,
} from '../../../src/clients/kie/index.ts';
import {
  CREATE_PATH,
  NANO_BANANA,
  rejectionOf,
  requestsTo,
  TEST_KIE_KEY,
  withKie,
} from './kie-client-harness.ts';

const RECORD_INFO_PATH = '/api/v1/jobs/recordInfo';

/**
 * The answers a proxy, a flaky network or a half-broken KIE can give instead of KIE's envelope. The slow
 * answer comes well after the client's 300 ms timeout: undici's timers fire up to about a second late.
 */
const GARBLED: ReadonlyArray<[string, KieFault, Partial<KieHttpError>]> = [
  ['a 200 that is not JSON', { kind: 'not-json' }, { code: 'kie.bad_response', httpStatus: 200 }],
  [
    'a non-JSON 502 (a proxy’s page)',
    { kind: 'not-json', httpStatus: 502 },
    { code: 'kie.bad_response', httpStatus: 502 },
  ],
  ['an answer after the timeout', { kind: 'slow', delayMs: 3000 }, { code: 'kie.timeout' }],
];

describe('KIE client: a poll that gets no usable answer is transient (the task keeps running)', () => {
  for (const [what, fault, expected] of GARBLED) {
    it(`${what}: a retryable KieHttpError, resent within the call, then the real answer`, () =>
      withKie({}, { timeoutMs: 300, retry: { maxAttempts: 1 } }, async (fake, client) => {
        const { taskId } = await client.createTask(NANO_BANANA);
        fake.faultNext('recordInfo', fault);
        const error = await rejectionOf(client.recordInfo(taskId));
        assert.ok(error instanceof KieHttpError, inspect(error));
        assert.equal(error.code, expected.code);
        if (expected.httpStatus !== undefined) assert.equal(error.httpStatus, expected.httpStatus);
        assert.equal(error.sent, true);
        assert.equal(error.retryable, true, 'a GET may be sent again');
        assert.equal(mayHaveCreatedTask(error), true, 'as a create it would be unknown');
      }).then(() =>
        withKie({}, { timeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 1 } }, async (fake, client) => {
          const { taskId } = await client.createTask(NANO_BANANA);
          fake.faultNext('recordInfo', fault);
          const info = await client.recordInfo(taskId);
          assert.equal(info.taskId, taskId);
          assert.equal(requestsTo(fake, RECORD_INFO_PATH).length, 2, 'one garbled, one good');
        }),
      ));
  }

  it('a 200 envelope whose data is not an object: retryable, never a reason to give up', () =>
    withKie({}, {}, async (fake, client) => {
      const { taskId } = await client.createTask(NANO_BANANA);
      fake.faultNext('recordInfo', { kind: 'bad-data', data: 'oops' });
      const error = await rejectionOf(client.recordInfo(taskId));
      assert.ok(error instanceof KieHttpError, inspect(error));
      assert.deepEqual([error.code, error.httpStatus, error.retryable], ['kie.bad_response', 200, true]);
    }));

  it("Cloudflare's bare 403 stays final for the call: a resend within seconds cannot pass", () =>
    withKie({}, { retry: { maxAttempts: 3, baseDelayMs: 1 } }, async (fake, client) => {
      fake.faultNext('recordInfo', { kind: 'not-json', httpStatus: 403, body: 'error code: 1010' });
      const error = await rejectionOf(client.recordInfo('task_x'));
      assert.ok(error instanceof KieHttpError);
      assert.deepEqual([error.httpStatus, error.retryable], [403, false]);
      assert.equal(requestsTo(fake, RECORD_INFO_PATH).length, 1);
    }));

  it('only recordInfo codes 404, 422 and 501 say the task is gone', () => {
    for (const code of [404, 422, 501]) assert.equal(meansTaskGone(code), true, String(code));
    for (const code of [400, 401, 402, 408, 429, 433, 455, 500, 505]) {
      assert.equal(meansTaskGone(code), false, String(code));
    }
  });
});

describe('KIE client: a create whose outcome is unknown is never resent (§9 row 16)', () => {
  const unknown: ReadonlyArray<[string, KieFault]> = [
    ['a 200 that is not JSON', { kind: 'not-json' }],
    ['a 200 without a task id', { kind: 'bad-data' }],
    ['a non-JSON 502', { kind: 'not-json', httpStatus: 502 }],
    ['an answer after the timeout', { kind: 'slow', delayMs: 3000 }],
  ];
  for (const [what, fault] of unknown) {
    it(`${what}: the task exists at KIE, the error says so, one request only`, () =>
      withKie({}, { timeoutMs: 300, retry: { maxAttempts: 4, baseDelayMs: 1 } }, async (fake, client) => {
        fake.faultNext('createTask', fault);
        const error = await rejectionOf(client.createTask(NANO_BANANA));
        assert.ok(error instanceof KieHttpError, inspect(error));
        assert.equal(error.sent, true);
        assert.equal(error.retryable, false);
        assert.equal(mayHaveCreatedTask(error), true);
        assert.equal(requestsTo(fake, CREATE_PATH).length, 1, 'never resent');
        assert.equal(fake.tasks().length, 1, 'and KIE did make the task');
      }));
  }

  it('a refusal is known: KIE’s own code, or Cloudflare’s non-JSON 403, made no task', () =>
    withKie({}, { retry: { maxAttempts: 1 } }, async (fake, client) => {
      fake.failNext('createTask', 422);
      const refused = await rejectionOf(client.createTask(NANO_BANANA));
      assert.ok(refused instanceof KieApiError);
      assert.equal(mayHaveCreatedTask(refused), false);
      fake.faultNext('createTask', { kind: 'not-json', httpStatus: 403, body: 'error code: 1010' });
      const blocked = await rejectionOf(client.createTask(NANO_BANANA));
      assert.ok(blocked instanceof KieHttpError);
      assert.deepEqual([blocked.httpStatus, mayHaveCreatedTask(blocked)], [403, false]);
      assert.equal(mayHaveCreatedTask(new Error('not a KIE error')), false);
    }));

  it('a connect failure never left: not unknown, resent as before', async () => {
    const client = createKieClient({
      baseUrl: 'http://127.0.0.1:1',
      apiKey: TEST_KIE_KEY,
      timeoutMs: 500,
      createPer10s: 20,
      pollsPerSecond: 10,
      retry: { maxAttempts: 1 },
    });
    try {
      const error = await rejectionOf(client.createTask(NANO_BANANA));
      assert.ok(error instanceof KieHttpError);
      assert.deepEqual([error.sent, error.retryable, mayHaveCreatedTask(error)], [false, true, false]);
    } finally {
      await client.close();
    }
  });
});

describe('KIE client: onSending runs right before a create leaves', () => {
  it('once per attempt, after the limiter: a 429 then a success calls it twice', () =>
    withKie({}, { createWindowMs: 20, retry: { maxAttempts: 2 } }, async (fake, client) => {
      fake.failNext('createTask', 429);
      const seen: number[] = [];
      const { taskId } = await client.createTask(NANO_BANANA, {
        onSending: async () => {
          seen.push(requestsTo(fake, CREATE_PATH).length);
        },
      });
      assert.ok(taskId);
      assert.deepEqual(seen, [0, 1], 'each time before that attempt reached the fake');
    }));

  it('a rejection ends the call unsent, with that very error', () =>
    withKie({}, {}, async (fake, client) => {
      const mine = new Error('the row could not be marked');
      const error = await rejectionOf(
        client.createTask(NANO_BANANA, {
          onSending: () => Promise.reject(mine),
        }),
      );
      assert.equal(error, mine);
      assert.equal(requestsTo(fake, CREATE_PATH).length, 0);
      assert.equal(fake.tasks().length, 0);
      // The limiter slot was given back: the next create goes through.
      assert.ok((await client.createTask(NANO_BANANA)).taskId);
    }));
});
