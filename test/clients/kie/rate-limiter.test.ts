import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../../src/clients/kie/index.ts';
import { CREATE_PATH, NANO_BANANA, withKie } from './kie-client-harness.ts';

describe('RateLimiter', () => {
  it('admits `limit` at once, queues the rest FIFO and reports positions', async () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 100 });
    const order: number[] = [];
    const positions: number[][] = [[], [], [], []];
    const started = Date.now();
    const admitted = [0, 1, 2, 3].map((i) =>
      limiter
        .acquire(undefined, (p) => positions[i]?.push(p))
        .then((release) => {
          order.push(i);
          release();
          return Date.now() - started;
        }),
    );
    const waits = await Promise.all(admitted);
    assert.deepEqual(order, [0, 1, 2, 3]);
    // Both free up together after the window, so the last one never reaches #1.
    assert.deepEqual(positions, [[], [], [1], [2]]);
    assert.ok((waits[2] ?? 0) >= 95 && (waits[3] ?? 0) >= 95, `waits ${waits.join(', ')}`);
  });

  it('counts a slot until windowMs after its release, so slow requests cannot overlap the next window', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 50 });
    const release = await limiter.acquire();
    let second = false;
    const next = limiter.acquire().then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(second, false, 'still in flight: no slot');
    const releasedAt = Date.now();
    release();
    (await next)();
    assert.ok(Date.now() - releasedAt >= 45);
  });

  it('drops an aborted waiter and moves the others up', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 30 });
    const release = await limiter.acquire();
    const controller = new AbortController();
    const cancelled = limiter.acquire(controller.signal);
    const positions: number[] = [];
    const waiting = limiter.acquire(undefined, (p) => positions.push(p));
    controller.abort(new Error('gone'));
    await assert.rejects(cancelled, /gone/);
    assert.equal(limiter.queued, 1);
    release();
    (await waiting)();
    assert.deepEqual(positions, [2, 1]);
  });

  it('survives a throwing position hook', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 10 });
    const release = await limiter.acquire();
    const next = limiter.acquire(undefined, () => {
      throw new Error('hook broke');
    });
    release();
    (await next)();
  });
});

describe('KIE client: client-side create limit (§4, §9 row 6)', () => {
  it('25 creates at once with 20 per 10 s: KIE never answers 429, the last 5 wait for the window', () =>
    withKie({ rateLimits: { createPer10s: 20, recordInfoPerSecond: 10 } }, {}, async (fake, client) => {
      const positions: number[][] = Array.from({ length: 25 }, () => []);
      const started = Date.now();
      const done = await Promise.all(
        positions.map((seen) =>
          client
            .createTask(NANO_BANANA, { onQueuePosition: (p) => seen.push(p) })
            .then(() => Date.now() - started),
        ),
      );
      const creates = fake.requests().filter((r) => r.path === CREATE_PATH);
      assert.equal(creates.length, 25, 'no retries were needed');
      assert.deepEqual(new Set(creates.map((r) => r.code)), new Set([200]));
      assert.ok(
        done.slice(0, 20).every((ms) => ms < 2000),
        `first 20: ${done.slice(0, 20).join(', ')}`,
      );
      assert.ok(
        done.slice(20).every((ms) => ms >= 10_000),
        `last 5: ${done.slice(20).join(', ')}`,
      );
      assert.deepEqual(positions.slice(0, 20).flat(), [], 'no queue for the first 20');
      assert.deepEqual(
        positions.slice(20).map((p) => p[0]),
        [1, 2, 3, 4, 5],
      );
    }));
});
