import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../../src/clients/kie/index.ts';
import { manualClock, settle } from '../../support/manual-clock.ts';
import { CREATE_PATH, NANO_BANANA, withKie } from './kie-client-harness.ts';

describe('RateLimiter', () => {
  it('admits `limit` at once, queues the rest FIFO and reports positions', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 100, clock });
    const order: number[] = [];
    const positions: number[][] = [[], [], [], []];
    const admittedAt: number[] = [];
    const admitted = [0, 1, 2, 3].map((i) =>
      limiter
        .acquire(undefined, (p) => positions[i]?.push(p))
        .then((release) => {
          order.push(i);
          admittedAt[i] = clock.ms();
          release();
        }),
    );
    await settle();
    assert.deepEqual(order, [0, 1]);
    assert.equal(limiter.queued, 2);
    clock.advance(99);
    await settle();
    assert.deepEqual(order, [0, 1], 'the released slots still count 99 ms later');
    clock.advance(1);
    await Promise.all(admitted);
    assert.deepEqual(order, [0, 1, 2, 3]);
    // Both free up together after the window, so the last one never reaches #1.
    assert.deepEqual(positions, [[], [], [1], [2]]);
    const start = admittedAt[0] ?? 0;
    assert.deepEqual(
      admittedAt.map((at) => at - start),
      [0, 0, 100, 100],
    );
  });

  it('counts a slot until windowMs after its release, so slow requests cannot overlap the next window', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 50, clock });
    const release = await limiter.acquire();
    let second = false;
    const next = limiter.acquire().then((r) => {
      second = true;
      return r;
    });
    clock.advance(80);
    await settle();
    assert.equal(second, false, 'still in flight: no slot');
    release();
    clock.advance(49);
    await settle();
    assert.equal(second, false, 'the window runs from the release');
    clock.advance(1);
    (await next)();
    assert.equal(second, true);
  });

  it('drops an aborted waiter and moves the others up', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 30, clock });
    const release = await limiter.acquire();
    const controller = new AbortController();
    const cancelled = limiter.acquire(controller.signal);
    const positions: number[] = [];
    const waiting = limiter.acquire(undefined, (p) => positions.push(p));
    controller.abort(new Error('gone'));
    await assert.rejects(cancelled, /gone/);
    assert.equal(limiter.queued, 1);
    release();
    clock.advance(30);
    (await waiting)();
    assert.deepEqual(positions, [2, 1]);
  });

  it('survives a throwing position hook', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 10, clock });
    const release = await limiter.acquire();
    const next = limiter.acquire(undefined, () => {
      throw new Error('hook broke');
    });
    release();
    clock.advance(10);
    (await next)();
  });
});

describe('KIE client: client-side create limit (§4, §9 row 6)', () => {
  it('25 creates at once with 20 per 10 s: KIE never answers 429, the last 5 wait for the window', async () => {
    // One clock for the client's limiters and the fake's: the test moves the 10 s window itself.
    const clock = manualClock();
    const limiters = {
      create: new RateLimiter({ limit: 20, windowMs: 10_000, clock }),
      poll: new RateLimiter({ limit: 10, windowMs: 1000, clock }),
    };
    await withKie(
      { rateLimits: { createPer10s: 20, recordInfoPerSecond: 10 }, rateLimitClock: clock.ms },
      { limiters, clock },
      async (fake, client) => {
        const positions: number[][] = Array.from({ length: 25 }, () => []);
        const answeredAt: number[] = [];
        let twentyAnswered: () => void = () => {};
        const twenty = new Promise<void>((resolve) => {
          twentyAnswered = resolve;
        });
        const done = Promise.all(
          positions.map((seen, i) =>
            client.createTask(NANO_BANANA, { onQueuePosition: (p) => seen.push(p) }).then(() => {
              answeredAt[i] = clock.ms();
              if (answeredAt.filter((at) => at !== undefined).length === 20) twentyAnswered();
            }),
          ),
        );
        await twenty;
        assert.equal(limiters.create.queued, 5, 'the last 5 wait');
        assert.deepEqual(positions.slice(0, 20).flat(), [], 'no queue for the first 20');
        assert.deepEqual(
          positions.slice(20).map((p) => p[0]),
          [1, 2, 3, 4, 5],
        );
        clock.advance(9_999);
        await settle();
        assert.equal(limiters.create.queued, 5, 'a slot counts until 10 s after its answer');
        clock.advance(1);
        await done;
        const creates = fake.requests().filter((r) => r.path === CREATE_PATH);
        assert.equal(creates.length, 25, 'no retries were needed');
        assert.deepEqual(new Set(creates.map((r) => r.code)), new Set([200]));
        const start = answeredAt[0] ?? 0;
        assert.deepEqual(new Set(answeredAt.slice(0, 20).map((at) => at - start)), new Set([0]));
        assert.deepEqual(new Set(answeredAt.slice(20).map((at) => at - start)), new Set([10_000]));
      },
    );
  });
});
