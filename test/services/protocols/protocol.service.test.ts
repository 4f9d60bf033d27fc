import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { LlmChatRequest, LlmRequestRecord } from '@tg-genbot/fakes/llm';
import { InsufficientBalanceError } from '../../../src/errors/billing-errors.ts';
import { segmentText } from '../../../src/services/protocols/index.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import {
  ADMIN_ID,
  createProtocolHarness,
  errorLines,
  idle,
  LLM_KEY,
  meetingText,
  type ProtocolHarness,
  SETTINGS,
} from './protocol-harness.ts';

const TEXT = meetingText(12);
const PRICE = SETTINGS.priceBase + 12 * SETTINGS.pricePerSegment;
const isSynthesis = (req: LlmChatRequest) => /synthesize/i.test(String(req.messages[0]?.content));

describe(`protocol jobs (${DATABASE_KIND})`, () => {
  let h: ProtocolHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('quotes size, segments and price without charging', async () => {
    h = await createProtocolHarness();
    const service = h.service();
    const userId = await h.user(0);
    assert.equal(segmentText(TEXT, SETTINGS.segmentChars).length, 12);
    const job = await service.quote({ userId, chatId: userId, text: TEXT, source: 'text', language: 'en' });
    assert.equal(job.status, 'quoted');
    assert.equal(job.segmentCount, 12);
    assert.equal(job.inputChars, TEXT.length);
    assert.equal(job.price, PRICE);
    assert.equal(job.model, 'openai/gpt-4o-mini');
    assert.equal(await h.billing.balance(userId), 0);
    await assert.rejects(
      service.quote({ userId, chatId: userId, text: ' \n ', source: 'text', language: 'en' }),
      { code: 'validation', userMessageKey: 'protocol-empty' },
    );
    await assert.rejects(
      service.quote({ userId, chatId: userId, text: 'x'.repeat(100_001), source: 'text', language: 'en' }),
      { code: 'validation', userMessageKey: 'protocol-too-long' },
    );
  });

  it('runs 12 segments at concurrency 4, then one synthesis, in order, and delivers once', async () => {
    let synthesisInput = '';
    // Varied latency so segments finish out of order; the synthesis must still see them in order.
    h = await createProtocolHarness({
      latencyMs: (req) => {
        if (isSynthesis(req)) {
          synthesisInput = String(req.messages[1]?.content);
          return 20;
        }
        return 40 + (String(req.messages[1]?.content).length % 7) * 15;
      },
    });
    const service = h.service();
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, TEXT);
    assert.equal(await h.billing.balance(userId), 100 - PRICE, 'charged on confirm');
    await service.settled(job.id);

    assert.equal(h.fake.maxConcurrency(), 4);
    assert.equal(h.fake.requests().length, 13);
    assert.ok(h.fake.requests().every((r) => r.status === 200 && !r.aborted));
    const parts = [...synthesisInput.matchAll(/^\[(\d+)\/12\] Summary: Topic (\d+) /gm)];
    assert.deepEqual(
      parts.map((m) => [Number(m[1]), Number(m[2])]),
      Array.from({ length: 12 }, (_, i) => [i + 1, i + 1]),
      'every segment, in the order of the text',
    );

    const done = await service.get(job.id);
    assert.equal(done?.status, 'delivered');
    assert.equal(done?.refundEntryId, undefined);
    assert.equal(h.notifier.log.delivered.length, 1);
    assert.equal(h.notifier.log.failed.length, 0);
    assert.equal(h.notifier.log.synthesizing, 1);
    const { protocol } = h.notifier.log.delivered[0] as { protocol: { summary: string } };
    assert.ok(protocol.summary.length > 0);
    // Progress edits go through the throttle (its spacing is proven with a manual clock in
    // run-segments.test.ts): coalesced, in order, never one per segment.
    const progress = h.notifier.log.progress;
    assert.ok(progress.length >= 1 && progress.length < 12, `${progress.length} progress reports`);
    for (let i = 1; i < progress.length; i++) {
      assert.ok((progress[i]?.done ?? 0) > (progress[i - 1]?.done ?? 0), 'each report shows more parts done');
    }
    assert.deepEqual(
      progress.map((p) => p.total),
      progress.map(() => 12),
    );
    // The text is not kept once the job is over.
    const row = await h.handle.db
      .selectFrom('protocol_jobs')
      .select('input_text')
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.input_text, null);
    const notes = await h.handle.db.selectFrom('protocol_segments').selectAll().execute();
    assert.equal(notes.length, 0);
    assert.deepEqual(errorLines(h.log), []);
  });

  it('stops everything at the first 402: in-flight calls aborted, nothing new started, one log line, one refund, one alert', async () => {
    // Calls 1, 2 and 4 sit in the fake for 2 s; call 3 gets the 402 after 100 ms, when all four are in.
    h = await createProtocolHarness({ latencyMs: 2000 });
    h.fake.inject({ kind: 'pass', times: 2 });
    h.fake.inject({ kind: 'status', status: 402, delayMs: 100 });
    const service = h.service();
    const userId = await h.user(100);
    const aborts: LlmRequestRecord[] = [];
    h.fake.on('abort', (r) => aborts.push(r));
    const job = await h.startJob(service, userId, TEXT);
    await service.settled(job.id);
    // The slow calls answer only after 2 s: none has when the job is over, so it did not wait for them.
    assert.deepEqual(
      h.fake.requests().filter((r) => r.status === 200),
      [],
      'the job did not wait for the slow calls',
    );
    await idle(h.fake);

    const requests = h.fake.requests();
    assert.equal(requests.length, 4, 'no segment started after the 402');
    assert.equal(requests.filter((r) => r.status === 402).length, 1);
    assert.equal(aborts.length, 3, 'the three other in-flight calls were cancelled');
    assert.ok(
      aborts.every((r) => r.status === undefined),
      'aborted before they answered, i.e. right after the 402',
    );

    const failed = await service.get(job.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.failCode, 'llm.insufficient_credits');
    assert.equal(await h.billing.balance(userId), 100, 'refunded');
    const entries = await h.billing.history(userId, { limit: 10 });
    assert.deepEqual(
      entries.map((e) => e.operation),
      ['refund', 'charge', 'topup'],
    );

    const errors = errorLines(h.log);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0]?.message, 'Protocol job failed: llm.insufficient_credits');
    assert.equal(errors[0]?.error_code, 'llm.insufficient_credits');
    assert.equal(errors[0]?.job_id, job.id);
    assert.match(String(errors[0]?.error_ref), /^[0-9a-f]{8}$/);
    assert.deepEqual(h.errors.adds, [
      { 'error.type': 'llm.insufficient_credits', 'bot.feature': 'protocol' },
    ]);

    assert.equal(h.alertsSent.length, 1);
    assert.equal(h.alertsSent[0]?.incident, 'llm.insufficient_credits');
    assert.equal(h.alertsSent[0]?.errorRef, errors[0]?.error_ref);
    assert.equal(h.notifier.log.failed.length, 1);
    assert.deepEqual(h.notifier.log.failed[0]?.notice, {
      messageKey: 'error-unavailable',
      messageArgs: {},
      errorRef: errors[0]?.error_ref,
    });
    assert.equal(h.notifier.log.delivered.length, 0);
    assert.equal(h.notifier.log.synthesizing, 0);
    assert.ok(!h.log.raw().includes(LLM_KEY));

    // A second user hitting the same outage: refunded and told, but admins are not alerted again.
    const other = await h.user(100);
    h.fake.inject({ kind: 'status', status: 402 });
    const second = await h.startJob(service, other, TEXT);
    await service.settled(second.id);
    assert.equal((await service.get(second.id))?.status, 'failed');
    assert.equal(await h.billing.balance(other), 100);
    assert.equal(h.alertsSent.length, 1, 'one alert per incident');
    assert.equal(errorLines(h.log).length, 2, 'one line per job');
    const incident = await h.handle.db.selectFrom('admin_incidents').selectAll().executeTakeFirstOrThrow();
    assert.equal(incident.occurrences, 2);
    assert.ok(ADMIN_ID > 0);
  });

  it('waits out a 429 Retry-After and still delivers', async () => {
    h = await createProtocolHarness({ latencyMs: 10 });
    h.fake.inject({ kind: 'status', status: 429, retryAfter: 1 });
    const service = h.service();
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, TEXT);
    await service.settled(job.id);
    assert.equal((await service.get(job.id))?.status, 'delivered');
    const statuses = h.fake.requests().map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 429).length, 1);
    assert.equal(statuses.filter((s) => s === 200).length, 13);
    assert.equal(await h.billing.balance(userId), 100 - PRICE);
    assert.deepEqual(errorLines(h.log), []);
  });

  it('fails and refunds when a hung request hits the timeout, cancelling the rest', async () => {
    h = await createProtocolHarness({ latencyMs: 1500 }, { timeoutMs: 300, retry: { maxAttempts: 1 } });
    h.fake.inject({ kind: 'hang' });
    const service = h.service();
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, TEXT);
    await service.settled(job.id);
    // The other calls answer only after 1.5 s: none has when the job is over, so it stopped at the timeout.
    assert.deepEqual(
      h.fake.requests().filter((r) => r.status === 200),
      [],
      'stopped at the timeout, not after the slow calls',
    );
    await idle(h.fake);
    const requests = h.fake.requests();
    assert.equal(requests.length, 4);
    assert.ok(
      requests.every((r) => r.aborted),
      'the hung call and the three others were cancelled',
    );
    const failed = await service.get(job.id);
    assert.equal(failed?.failCode, 'llm.timeout');
    assert.equal(await h.billing.balance(userId), 100);
    assert.equal(h.notifier.log.failed[0]?.notice.messageKey, 'error-unavailable');
    assert.equal(errorLines(h.log).length, 1);
    assert.equal(h.alertsSent.length, 0, 'a timeout is not an account incident');
  });

  it('retries a hung request after the timeout and delivers', async () => {
    h = await createProtocolHarness({ latencyMs: 10 }, { timeoutMs: 300, retry: { maxAttempts: 2 } });
    h.fake.inject({ kind: 'hang' });
    const service = h.service();
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, TEXT);
    await service.settled(job.id);
    assert.equal((await service.get(job.id))?.status, 'delivered');
    assert.equal(h.fake.requests().filter((r) => r.aborted).length, 1);
  });

  it('refunds when the protocol cannot be delivered', async () => {
    h = await createProtocolHarness();
    const { recordingNotifier } = await import('./protocol-harness.ts');
    const notifier = recordingNotifier({ deliverFails: true });
    const service = h.service({ notifier });
    const userId = await h.user(100);
    const job = await h.startJob(service, userId, meetingText(2));
    await service.settled(job.id);
    const failed = await service.get(job.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.failCode, 'protocol.delivery_failed');
    assert.equal(await h.billing.balance(userId), 100);
    assert.equal(notifier.log.failed[0]?.notice.messageKey, 'error-telegram');
  });

  it('refuses confirmations that are not the user’s, unknown, expired, cancelled or repeated', async () => {
    h = await createProtocolHarness();
    let now = new Date('2026-11-25T10:00:00Z');
    const service = h.service({ now: () => now, quoteTtlMs: 60_000 });
    const owner = await h.user(100);
    const stranger = await h.user(100);
    const quote = () =>
      service.quote({ userId: owner, chatId: owner, text: TEXT, source: 'text', language: 'en' });

    const job = await quote();
    assert.deepEqual(await service.confirm({ jobId: job.id, userId: stranger, statusMessageId: 1 }), {
      kind: 'not_yours',
    });
    assert.deepEqual(await service.confirm({ jobId: 'no-such-job', userId: owner, statusMessageId: 1 }), {
      kind: 'not_found',
    });
    assert.equal(await service.cancel({ jobId: job.id, userId: stranger }), 'not_yours');
    assert.equal(await service.cancel({ jobId: job.id, userId: owner }), 'cancelled');
    assert.equal(await service.cancel({ jobId: job.id, userId: owner }), 'stale');
    assert.deepEqual(await service.confirm({ jobId: job.id, userId: owner, statusMessageId: 1 }), {
      kind: 'cancelled',
    });

    const old = await quote();
    now = new Date(now.getTime() + 61_000);
    assert.deepEqual(await service.confirm({ jobId: old.id, userId: owner, statusMessageId: 1 }), {
      kind: 'expired',
    });

    const fresh = await quote();
    const first = await service.confirm({ jobId: fresh.id, userId: owner, statusMessageId: 1 });
    assert.equal(first.kind, 'started');
    const again = await service.confirm({ jobId: fresh.id, userId: owner, statusMessageId: 1 });
    assert.equal(again.kind, 'already');
    assert.equal(await h.billing.balance(owner), 100 - PRICE, 'charged once');
    assert.equal(await h.billing.balance(stranger), 100);
  });

  it('refuses to start without enough credits and leaves the quote confirmable', async () => {
    h = await createProtocolHarness();
    const service = h.service();
    const userId = await h.user(PRICE - 1);
    const job = await service.quote({ userId, chatId: userId, text: TEXT, source: 'text', language: 'en' });
    await assert.rejects(
      service.confirm({ jobId: job.id, userId, statusMessageId: 1 }),
      (e: unknown) => e instanceof InsufficientBalanceError,
    );
    assert.equal((await service.get(job.id))?.status, 'quoted');
    await h.billing.topUp(userId, 1, { idempotencyKey: `more-${userId}` });
    assert.equal((await service.confirm({ jobId: job.id, userId, statusMessageId: 1 })).kind, 'started');
  });
});
