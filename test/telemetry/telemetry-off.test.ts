import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { startTestBot } from '../support/bot-process.ts';

const modes: Array<[string, Record<string, string>]> = [
  ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true' }],
  // Nothing listens there: every export fails.
  [
    'the OTLP endpoint down',
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    },
  ],
];

for (const [name, env] of modes) {
  describe(`the bot with ${name}`, () => {
    const fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
    before(() => fake.start());
    after(() => fake.stop());

    it('answers users exactly the same, logs the same JSON lines, and shuts down cleanly', async () => {
      const bot = await startTestBot(fake.apiRoot, env);
      after(() => bot.dispose());
      await bot.waitFor(/Bot started/);
      const users = Array.from({ length: 20 }, (_, i) => fake.user({ id: 5000 + i, firstName: `U${i}` }));
      await Promise.all(users.map((u) => u.sendCommand('/start')));
      const replies = await Promise.all(users.map((u) => u.waitForMessage(undefined, { timeoutMs: 10_000 })));
      for (const [i, reply] of replies.entries()) assert.match(reply.text ?? '', new RegExp(`^Hi, U${i}!`));
      // stop() waits up to 15 s and then SIGKILLs, which ends with no exit code: 0 means the bot,
      // with a dead exporter, shut down by itself and cleanly within that generous wait.
      const code = await bot.stop('SIGTERM');
      assert.deepEqual({ code, signal: bot.child.signalCode }, { code: 0, signal: null }, 'exited by itself');
      const lines = bot
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      assert.ok(lines.some((l) => JSON.parse(l).message === 'Stopped'));
      assert.ok(!bot.output().includes(TEST_TOKEN));
    });
  });
}
