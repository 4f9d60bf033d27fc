import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KieHttpError, toKieApiError } from '../../../src/clients/kie/index.ts';
import { resolveRetryPolicy, retryDelayMs } from '../../../src/clients/kie/retry-policy.ts';

const policy = resolveRetryPolicy({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 });
const api = (code: number) => toKieApiError('createTask', 200, { code, msg: 'x' });

describe('retryDelayMs: the one retry table (§3, §9 row 3)', () => {
  it('waits out the window after 429 and backs off (capped) on 500/408, longer on 455', () => {
    assert.equal(retryDelayMs(api(429), 1, policy, 10_000), 10_000);
    assert.deepEqual(
      [1, 2, 3].map((n) => retryDelayMs(api(500), n, policy, 0)),
      [100, 200, 400],
    );
    assert.equal(retryDelayMs(api(408), 1, policy, 0), 100);
    assert.deepEqual(
      [1, 2, 3].map((n) => retryDelayMs(api(455), n, policy, 0)),
      [400, 800, 1000],
    );
  });

  it('never retries 401/402/404/422/433/501/505, unknown codes, or past maxAttempts', () => {
    for (const code of [401, 402, 404, 422, 433, 501, 505, 418]) {
      assert.equal(retryDelayMs(api(code), 1, policy, 0), undefined, `code ${code}`);
    }
    assert.equal(retryDelayMs(api(500), 4, policy, 0), undefined);
    assert.equal(retryDelayMs(new Error('boom'), 1, policy, 0), undefined);
  });

  it('resends a transport failure only when it was never sent or is an idempotent GET', () => {
    const err = (sent: boolean, idempotent: boolean) =>
      new KieHttpError('kie.timeout', 'createTask', { sent, idempotent });
    assert.equal(retryDelayMs(err(false, false), 1, policy, 0), 100);
    assert.equal(retryDelayMs(err(true, true), 1, policy, 0), 100);
    assert.equal(retryDelayMs(err(true, false), 1, policy, 0), undefined);
  });

  it('treats HTTP 429 with a success body code as throttled, and reads `message` when `msg` is absent', () => {
    const error = toKieApiError('recordInfo', 429, { code: 200, message: 'slow down' });
    assert.deepEqual(
      [error.kieCode, error.code, error.msg, error.retryable],
      [429, 'kie.429', 'slow down', true],
    );
  });
});
