import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { pruneProcessedUpdates } from '../../src/db/repositories/processed-update.repository.ts';
import { createUpdateInbox } from '../../src/services/updates/update-inbox.ts';
import { createUserService } from '../../src/services/user.service.ts';
import { createTestDatabase, DATABASE_KIND } from '../support/test-database.ts';

describe(`user service and processed updates (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  before(async () => {
    handle = await testDb.open();
  });
  after(() => testDb.dispose());

  it('creates a user on first touch and refreshes last_seen later', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const users = createUserService(handle.db, () => now);
    const first = await users.touch(7001);
    assert.equal(first.id, 7001);
    assert.equal(first.language, undefined);
    assert.equal(first.blocked, false);
    now = new Date('2026-01-02T00:00:00Z');
    const again = await users.touch(7001);
    assert.equal(again.firstSeenAt.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(again.lastSeenAt.toISOString(), '2026-01-02T00:00:00.000Z');
  });

  it('remembers the language and the blocked flag, and unblocks a user who writes again', async () => {
    const users = createUserService(handle.db);
    await users.touch(7002);
    await users.setLanguage(7002, 'ru');
    await users.markBlocked(7002);
    const blocked = await users.get(7002);
    assert.equal(blocked?.language, 'ru');
    assert.equal(blocked?.blocked, true);
    const back = await users.touch(7002);
    assert.equal(back.blocked, false);
    assert.equal(back.language, 'ru');
  });

  it('keeps Telegram ids above 2^31 exact', async () => {
    const users = createUserService(handle.db);
    const big = 7_123_456_789;
    assert.equal((await users.touch(big)).id, big);
  });

  const update = (id: number) => ({ update_id: id, message: { text: 'hi' } }) as never;

  it('claims an update id once per bot, even when claimed concurrently', async () => {
    const inbox = createUpdateInbox({ db: handle.db, instanceId: 'user-test' });
    const results = await Promise.all(Array.from({ length: 8 }, () => inbox.claim(1, update(555))));
    assert.equal(results.filter(Boolean).length, 1);
    assert.ok(await inbox.claim(2, update(555)), 'another bot has its own ids');
  });

  it('prunes old claims only', async () => {
    const inbox = createUpdateInbox({ db: handle.db, instanceId: 'user-test' });
    await inbox.claim(3, update(1));
    assert.equal(await pruneProcessedUpdates(handle.db, new Date(Date.now() - 60_000)), 0);
    assert.ok((await pruneProcessedUpdates(handle.db, new Date(Date.now() + 60_000))) >= 1);
    assert.ok(await inbox.claim(3, update(1)));
  });
});
