import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { skippingClock } from '../../support/skipping-clock.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import {
  createProtocolHarness,
  errorLines,
  meetingText,
  type ProtocolHarness,
  SETTINGS,
} from './protocol-harness.ts';

const TEXT = meetingText(12);
const PRICE = SETTINGS.priceBase + 12 * SETTINGS.pricePerSegment;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`protocol jobs survive a restart (${DATABASE_KIND})`, () => {
  let h: ProtocolHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const segmentsDone = async (jobId: string) =>
    (await h?.handle.db.selectFrom('protocol_segments').select('idx').where('job_id', '=', jobId).execute())
      ?.length ?? 0;
  const row = (jobId: string) =>
    h?.handle.db.selectFrom('protocol_jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();

  it('a stop mid-job leaves it running and released; the next start resumes it without redoing segments', async () => {
    h = await createProtocolHarness({ latencyMs: 150 });
    const before = h.service({ workerId: 'instance-a' });
    const userId = await h.user(100);
    const job = await h.startJob(before, userId, TEXT);
    await until('four segments', async () => (await segmentsDone(job.id)) >= 4);
    await before.stop();

    const paused = await row(job.id);
    assert.equal(paused?.status, 'running');
    assert.equal(paused?.locked_by, null, 'lease released at shutdown');
    const kept = await segmentsDone(job.id);
    assert.ok(kept >= 4 && kept < 12, `${kept} segments kept`);
    const answeredBefore = h.fake.requests().filter((r) => r.status === 200).length;

    const after = h.service({ workerId: 'instance-b' });
    await after.start();
    await until('delivery', async () => (await row(job.id))?.status === 'delivered');
    await after.stop();

    const answeredAfter = h.fake.requests().filter((r) => r.status === 200).length - answeredBefore;
    assert.equal(answeredAfter, 12 - kept + 1, 'only the missing segments and the synthesis were asked for');
    const done = await row(job.id);
    assert.equal(done?.resumes, 1);
    assert.equal(done?.refund_entry_id, null);
    assert.equal(await h.billing.balance(userId), 100 - PRICE, 'charged once, not refunded');
    assert.equal(h.notifier.log.delivered.length, 1);
    assert.deepEqual(errorLines(h.log), []);
  });

  it('a stop with a grace period lets the calls in flight finish and keeps them, then pauses the job', async () => {
    h = await createProtocolHarness({ latencyMs: 150 });
    const before = h.service({ workerId: 'instance-a' });
    const userId = await h.user(100);
    const job = await h.startJob(before, userId, TEXT);
    await until('two segments', async () => (await segmentsDone(job.id)) >= 2);
    // A grace limit far beyond any wait here: the stop can only end by the calls ending.
    let stopped = false;
    const stopping = before.stop(600_000).then(() => {
      stopped = true;
    });
    await until('the stop ends when the calls do, not at the grace limit', async () => stopped);
    await stopping;

    const calls = h.fake.requests();
    assert.deepEqual(
      calls.filter((r) => r.aborted || r.status !== 200),
      [],
      'no call was cut: each was answered',
    );
    assert.equal(await segmentsDone(job.id), calls.length, 'every answered segment was stored');
    assert.ok(calls.length < 12, `${calls.length} of 12 asked: stopped mid-job, no synthesis`);
    const paused = await row(job.id);
    assert.equal(paused?.status, 'running');
    assert.equal(paused?.locked_by, null, 'lease released at shutdown');
    assert.deepEqual(errorLines(h.log), []);
  });

  it('a crashed instance’s job is picked up when its lease expires', async () => {
    h = await createProtocolHarness({ latencyMs: 20 });
    const userId = await h.user(100);
    const crashed = h.service({ workerId: 'crashed' });
    const quoted = await crashed.quote({
      userId,
      chatId: userId,
      text: TEXT,
      source: 'text',
      language: 'en',
    });
    assert.equal((await crashed.confirm({ jobId: quoted.id, userId, statusMessageId: 1 })).kind, 'started');
    // The instance dies before running it: the lease is held and still valid for 30 s.
    await h.handle.db
      .updateTable('protocol_jobs')
      .set({ locked_until: new Date(Date.now() + 30_000) })
      .where('id', '=', quoted.id)
      .execute();

    // The survivor's clock skips the 30 s (the job's 60 s deadline stays ahead).
    const clock = skippingClock();
    const survivor = h.service({ workerId: 'survivor', sweepIntervalMs: 50, now: clock.now });
    await survivor.start();
    assert.equal((await row(quoted.id))?.locked_by, 'crashed', 'a valid lease is respected');
    clock.advance(30_000);
    await until('delivery', async () => (await row(quoted.id))?.status === 'delivered');
    await survivor.stop();
    assert.equal((await row(quoted.id))?.resumes, 1);
    assert.equal(await h.billing.balance(userId), 100 - PRICE);
  });

  it('refunds a job that was interrupted too often, and tells the user', async () => {
    h = await createProtocolHarness({ latencyMs: 20 });
    const userId = await h.user(100);
    const first = h.service({ workerId: 'a' });
    const quoted = await first.quote({ userId, chatId: userId, text: TEXT, source: 'text', language: 'en' });
    await first.confirm({ jobId: quoted.id, userId, statusMessageId: 1 });
    await h.handle.db
      .updateTable('protocol_jobs')
      .set({ locked_by: null, locked_until: null, resumes: 3 })
      .where('id', '=', quoted.id)
      .execute();

    const next = h.service({ workerId: 'b', maxResumes: 3 });
    await next.start();
    await next.settled(quoted.id);
    await next.stop();
    const failed = await row(quoted.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.fail_code, 'protocol.interrupted');
    assert.equal(failed?.input_text, null);
    assert.equal(await h.billing.balance(userId), 100);
    assert.equal(h.notifier.log.failed[0]?.notice.messageKey, 'protocol-error-interrupted');
    assert.equal(h.fake.requests().length, 0, 'no LLM call for a job that is refunded');
  });

  it('refunds a job found past its deadline', async () => {
    h = await createProtocolHarness({ latencyMs: 20 });
    const userId = await h.user(100);
    const first = h.service({ workerId: 'a' });
    const quoted = await first.quote({ userId, chatId: userId, text: TEXT, source: 'text', language: 'en' });
    await first.confirm({ jobId: quoted.id, userId, statusMessageId: 1 });
    await h.handle.db
      .updateTable('protocol_jobs')
      .set({ locked_by: null, locked_until: null, deadline_at: new Date(Date.now() - 1000) })
      .where('id', '=', quoted.id)
      .execute();

    const next = h.service({ workerId: 'b' });
    await next.start();
    await next.settled(quoted.id);
    await next.stop();
    assert.equal((await row(quoted.id))?.fail_code, 'protocol.timeout');
    assert.equal(await h.billing.balance(userId), 100);
    assert.equal(h.notifier.log.failed[0]?.notice.messageKey, 'protocol-error-timeout');
  });

  it('stops a job that runs past its deadline and refunds it', async () => {
    h = await createProtocolHarness({ latencyMs: 2000 });
    const service = h.service({ settings: { ...SETTINGS, jobTimeoutMs: 300 } });
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, TEXT);
    await service.settled(job.id);
    // The calls answer only after 2 s: none has when the job is over, so it stopped at its deadline.
    assert.deepEqual(
      h.fake.requests().filter((r) => r.status === 200),
      [],
    );
    assert.equal((await row(job.id))?.fail_code, 'protocol.timeout');
    assert.equal(await h.billing.balance(userId), 100);
    assert.equal(errorLines(h.log).length, 1);
  });
});
