import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { KieCallbackEvent } from '@tg-genbot/fakes/kie';
import { freePort } from '../support/free-port.ts';
import { type GenerationE2e, openConfirmation, startGenerationE2e } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';
import { waitUntil } from '../support/wait-until.ts';

const HMAC_KEY = 'kie-webhook-hmac-key-for-unknown-creates';
const CREATE_PATH = '/api/v1/jobs/createTask';

/**
 * kie-api.md §9 row 16 through the real bot and both fakes: KIE accepts the task but answers after the
 * client's timeout. The bot must not create it again; KIE's signed callback (whose URL carries the
 * generation id) names the task, the bot adopts it, confirms with recordInfo and delivers, charged once.
 */
describe(`a create that timed out after KIE accepted it (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('is adopted from its callback and delivered once; KIE saw one create', async () => {
    const port = await freePort();
    h = await startGenerationE2e({
      kie: { webhookHmacKey: HMAC_KEY },
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        KIE_CALLBACK_HMAC_KEY: HMAC_KEY,
        KIE_TIMEOUT_MS: '300',
        // Safety-net polls 20 s apart: only the callback can bring the task back in time.
        GENERATION_POLL_MS: '2000',
      },
    });
    const callbacks: KieCallbackEvent[] = [];
    h.kie.on('callback', (e) => callbacks.push(e));
    // The task ends (and KIE calls back) well after the client gave up on the create's answer.
    h.kie.script('google/nano-banana', {
      outcome: 'success',
      stateDurationsMs: { waiting: 300, queuing: 300, generating: 1500 },
      slowCreateMs: 8000,
    });
    const user = h.fake.user({ id: 8601, firstName: 'Unknown' });
    await h.fund(user.id, 10);
    const confirm = await openConfirmation(
      user,
      /Images/,
      /^Nano Banana ·/,
      'a fox that may or may not exist',
    );
    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });

    const photo = await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 15_000 });
    assert.ok(photo);
    const lines = h.log.lines();
    assert.ok(
      lines.some(
        (l) =>
          l.level === 'warn' && /outcome unknown/.test(String(l.message)) && l.error_code === 'kie.timeout',
      ),
      'the create was marked unknown, not retried',
    );
    assert.ok(
      lines.some((l) => /adopted/.test(String(l.message))),
      'the callback adopted the task',
    );
    assert.equal(h.kie.requests().filter((r) => r.path === CREATE_PATH).length, 1, 'KIE saw one create');
    const [task, ...more] = h.kie.tasks();
    assert.equal(more.length, 0);
    assert.match(task?.callBackUrl ?? '', /\/kie\/callback\?generation=[0-9a-f-]{36}$/);
    assert.ok(callbacks.some((e) => e.status === 200 && e.taskId === task?.id));
    // Delivered and released: the row is at its end and no worker holds it, so nothing else can
    // come of it (no second create, no second photo, no refund).
    await waitUntil('the generation delivered and released', async () => {
      const rows = await h!.database.db.selectFrom('generations').select(['status', 'locked_by']).execute();
      return rows.length === 1 && rows[0]?.status === 'delivered' && rows[0].locked_by === null;
    });
    assert.equal(h.kie.requests().filter((r) => r.path === CREATE_PATH).length, 1, 'still one create');
    assert.equal(user.messages().filter((m) => m.media).length, 1, 'delivered once');
    const ledger = await h.database.db
      .selectFrom('ledger_entries')
      .select(['operation', 'amount'])
      .where('user_id', '=', user.id)
      .where('operation', '<>', 'topup')
      .execute();
    const [generation] = await h.database.db.selectFrom('generations').selectAll().execute();
    assert.deepEqual(
      ledger.map((e) => `${e.operation}:${e.amount}`),
      [`charge:-${generation?.price}`],
      'charged once, never refunded',
    );
    assert.equal(await h.balance(user.id), 10 - (generation?.price ?? 0));
    assert.deepEqual([generation?.status, generation?.kie_task_id], ['delivered', task?.id]);
    assert.equal(generation?.kie_credits_consumed, 4, 'KIE’s reported cost: nano-banana, $0.02');
  });
});
