import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MAX_NOTICE_ATTEMPTS, noticeRetryDelayMs } from '../../../src/services/notice-retry.ts';
import { skippingClock } from '../../support/skipping-clock.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import {
  createProtocolHarness,
  errorLines,
  meetingText,
  type ProtocolHarness,
  recordingNotifier,
} from './protocol-harness.ts';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`a failed protocol's message is owed until Telegram takes it (${DATABASE_KIND})`, () => {
  let h: ProtocolHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const row = (jobId: string) =>
    h?.handle.db.selectFrom('protocol_jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();

  it('retries the failure message from the sweep until it is sent, once', async () => {
    h = await createProtocolHarness({ latencyMs: 5 });
    const clock = skippingClock();
    const notifier = recordingNotifier({ deliverFails: true, failedFails: 2 });
    const service = h.service({ notifier, now: clock.now, sweepIntervalMs: 20 });
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, meetingText(2));
    await service.settled(job.id);

    const failed = await row(job.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(await h.billing.balance(userId), 100, 'refunded whatever happens to the message');
    assert.deepEqual(failed?.notice, {
      messageKey: 'error-telegram',
      messageArgs: {},
      errorRef: failed?.error_ref,
    });
    assert.equal(failed?.notice_attempts, 1, 'the first try failed');
    assert.equal(notifier.log.failed.length, 0);

    // start() runs one whole sweep before it returns: a notice it took for due would be retried by now.
    await service.start();
    assert.equal((await row(job.id))?.notice_attempts, 1, 'not retried before it is due');

    clock.advance(noticeRetryDelayMs(1));
    await until('the second try', async () => (await row(job.id))?.notice_attempts === 2);
    assert.notEqual((await row(job.id))?.notice, null, 'still owed');

    clock.advance(noticeRetryDelayMs(2));
    await until('the third try', async () => (await row(job.id))?.notice === null);
    assert.equal(notifier.log.failed.length, 1);
    assert.equal(notifier.log.failed[0]?.notice.errorRef, failed?.error_ref, 'the same reference as logged');

    clock.advance(60 * 60_000);
    // A whole sweep an hour on, when any retry would be long due: another instance's first one, which
    // its start() awaits (this instance's interval sweeps run on the real clock, and none is awaitable).
    const later = h.service({ notifier, now: clock.now, sweepIntervalMs: 60_000 });
    await later.start();
    await later.stop();
    await service.stop();
    assert.equal(notifier.log.failed.length, 1, 'told once');
    assert.equal((await row(job.id))?.notice_attempts, 3);
    assert.equal(await h.billing.balance(userId), 100);
  });

  it('gives up after the last try with one error line', async () => {
    h = await createProtocolHarness({ latencyMs: 5 });
    const clock = skippingClock();
    const notifier = recordingNotifier({ deliverFails: true, failedFails: 100 });
    const service = h.service({ notifier, now: clock.now, sweepIntervalMs: 10 });
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, meetingText(2));
    await service.settled(job.id);
    await service.start();
    for (let attempt = 1; attempt < MAX_NOTICE_ATTEMPTS; attempt++) {
      clock.advance(noticeRetryDelayMs(attempt));
      await until(`try ${attempt + 1}`, async () => (await row(job.id))?.notice_attempts === attempt + 1);
    }
    await until('given up', async () => (await row(job.id))?.notice === null);
    await service.stop();
    const gaveUp = errorLines(h.log).filter((l) => /Gave up telling the user/.test(String(l.message)));
    assert.equal(gaveUp.length, 1);
    assert.equal(gaveUp[0]?.job_id, job.id);
    assert.deepEqual(notifier.log.failed, []);
  });
});
