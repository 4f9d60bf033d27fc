import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { KieCallbackEvent } from '@tg-genbot/fakes/kie';
import { freePort } from '../support/free-port.ts';
import { FAST, type GenerationE2e, openConfirmation, startGenerationE2e } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

const HMAC_KEY = 'kie-webhook-hmac-key-for-tests';

describe(`KIE callbacks with PUBLIC_URL (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  async function start() {
    const port = await freePort();
    h = await startGenerationE2e({
      kie: { webhookHmacKey: HMAC_KEY },
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        KIE_CALLBACK_HMAC_KEY: HMAC_KEY,
        // Safety-net polls every 10 min: any delivery within the tests' waits can only come from the callback.
        GENERATION_POLL_MS: '60000',
      },
    });
    const events: KieCallbackEvent[] = [];
    h.kie.on('callback', (e) => events.push(e));
    return { h, events };
  }

  async function confirmOne(userId: number) {
    const user = h!.fake.user({ id: userId, firstName: 'Cb' });
    await h!.fund(userId, 10);
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'call me back');
    await user.pressButton({ text: /Confirm/ });
    return user;
  }

  it('a signed callback makes the bot poll at once: delivered long before the safety-net poll', async () => {
    const { events } = await start();
    h!.kie.script('google/nano-banana', {
      outcome: 'success',
      stateDurationsMs: FAST,
      callback: 'duplicate',
    });
    const user = await confirmOne(8501);
    await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 60_000 });
    const [task] = h!.kie.tasks();
    assert.match(task?.callBackUrl ?? '', /\/kie\/callback\?generation=[0-9a-f-]{36}$/);
    assert.ok(task && task.polls <= 2, `polls: ${task?.polls}`);
    assert.ok(
      events.length >= 2 && events.every((e) => e.status === 200),
      'every callback, duplicates too, got 200',
    );
    assert.equal(
      user.messages().filter((m) => m.media).length,
      1,
      'a duplicate callback delivers nothing twice',
    );
  });

  it('a badly signed callback is refused with 401 and changes nothing', async () => {
    const { events } = await start();
    h!.kie.script('google/nano-banana', {
      outcome: 'success',
      stateDurationsMs: FAST,
      callback: 'bad-signature',
    });
    const user = await confirmOne(8502);
    const deadline = Date.now() + 30_000;
    while (!events.some((e) => e.status === 401)) {
      assert.ok(Date.now() < deadline, `callback statuses: ${events.map((e) => e.status).join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(user.messages().filter((m) => m.media).length, 0, 'not delivered off a forged callback');
    assert.ok(
      h!.log.lines().some((l) => l.message === 'Refused a KIE callback' && l.reason === 'bad-signature'),
    );
  });
});
