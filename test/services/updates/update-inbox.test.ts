import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Update } from 'grammy/types';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import {
  createUpdateInbox,
  MAX_UPDATE_ATTEMPTS,
  UPDATE_LEASE_MS,
  updateRetryDelayMs,
} from '../../../src/services/updates/update-inbox.ts';
import { skippingClock } from '../../support/skipping-clock.ts';
import { createTestDatabase, DATABASE_KIND } from '../../support/test-database.ts';

const update = (id: number): Update =>
  ({
    update_id: id,
    message: { message_id: 1, date: 0, chat: { id: 9, type: 'private' }, text: 'hi' },
  }) as Update;

describe(`update inbox (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  before(async () => {
    handle = await testDb.open();
  });
  after(() => testDb.dispose());

  const state = async (botId: number, updateId: number) =>
    handle.db
      .selectFrom('processed_updates')
      .selectAll()
      .where('bot_id', '=', botId)
      .where('update_id', '=', updateId)
      .executeTakeFirstOrThrow();

  it('keeps a completed update done: a redelivery is not claimed and its JSON is dropped', async () => {
    const inbox = createUpdateInbox({ db: handle.db, instanceId: 'a' });
    const claim = await inbox.claim(1, update(10));
    assert.deepEqual(claim, { botId: 1, updateId: 10, attempt: 1, final: false });
    assert.deepEqual(JSON.parse((await state(1, 10)).payload ?? 'null'), update(10), 'kept while unfinished');
    assert.equal(await inbox.claim(1, update(10)), undefined, 'held by the first claim');
    await inbox.complete(claim as never);
    const row = await state(1, 10);
    assert.equal(row.state, 'done');
    assert.equal(row.payload, null);
    assert.equal(await inbox.claim(1, update(10)), undefined, 'done is done');
  });

  it('gives a failed update back with a backoff; a redelivery may claim it at once, the sweep when it is due', async () => {
    const clock = skippingClock();
    const inbox = createUpdateInbox({ db: handle.db, instanceId: 'a', now: clock.now });
    const claim = await inbox.claim(1, update(20));
    assert.ok(claim);
    await inbox.retryLater(claim, 'db.unavailable');
    const row = await state(1, 20);
    assert.equal(row.state, 'retry');
    assert.equal(row.last_error, 'db.unavailable');
    assert.deepEqual(await inbox.due(1, 10), [], 'not due before its backoff');
    clock.advance(updateRetryDelayMs(1));
    assert.deepEqual(await inbox.due(1, 10), [update(20)]);
    // Telegram's redelivery (or the sweep) claims it, once.
    const claims = await Promise.all([inbox.claim(1, update(20)), inbox.claim(1, update(20))]);
    assert.deepEqual(
      claims.filter(Boolean).map((c) => c?.attempt),
      [2],
    );
    assert.deepEqual(await inbox.due(1, 10), []);
  });

  it('takes over a claim whose holder died once its lease ran out, and frees its own claims at start', async () => {
    const clock = skippingClock();
    const dead = createUpdateInbox({ db: handle.db, instanceId: 'dead', now: clock.now });
    const other = createUpdateInbox({ db: handle.db, instanceId: 'other', now: clock.now });
    assert.ok(await dead.claim(2, update(30)));
    assert.ok(await dead.claim(2, update(31)));
    assert.equal(await other.claim(2, update(30)), undefined, 'the lease holds');
    clock.advance(UPDATE_LEASE_MS + 1);
    assert.deepEqual(
      (await other.due(2, 10)).map((u) => u.update_id),
      [30, 31],
    );
    assert.equal((await other.claim(2, update(30)))?.attempt, 2);
    // The dead instance restarts: its remaining claim is due at once, without waiting for the lease.
    const restarted = createUpdateInbox({ db: handle.db, instanceId: 'dead' });
    assert.ok(await restarted.claim(2, update(32)));
    assert.equal(await restarted.releaseOwn(2), 2, '31 and 32 were its own');
    assert.deepEqual(
      (await restarted.due(2, 10)).map((u) => u.update_id),
      [31, 32],
    );
    assert.equal((await state(2, 30)).claimed_by, 'other', "another instance's claim is left alone");
  });

  it('stops after the last attempt and says so on the claim; a stale holder cannot complete a lost claim', async () => {
    const clock = skippingClock();
    const inbox = createUpdateInbox({ db: handle.db, instanceId: 'a', now: clock.now });
    let claim = await inbox.claim(3, update(40));
    const first = claim;
    for (let attempt = 1; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      assert.equal(claim?.attempt, attempt);
      assert.equal(claim?.final, false);
      await inbox.retryLater(claim as never, 'telegram.network');
      clock.advance(updateRetryDelayMs(attempt));
      claim = await inbox.claim(3, update(40));
    }
    assert.equal(claim?.attempt, MAX_UPDATE_ATTEMPTS);
    assert.equal(claim?.final, true);
    // The first claim's holder wakes up late: its write does not apply to the current attempt.
    await inbox.complete(first as never);
    assert.equal((await state(3, 40)).state, 'claimed');
    await inbox.complete(claim as never, 'telegram.network');
    assert.equal((await state(3, 40)).state, 'done');
    clock.advance(UPDATE_LEASE_MS * 2);
    assert.equal(await inbox.claim(3, update(40)), undefined);
    assert.deepEqual(await inbox.due(3, 10), []);
  });
});
