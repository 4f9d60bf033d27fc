import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withLogContext } from '../src/telemetry/log-context.ts';
import { clearRegisteredSecrets, redact, registerSecret } from '../src/telemetry/redact.ts';
import { createCaptureLogger } from './support/capture-logger.ts';

const TOKEN = '7012345678:AAE-test_Token-abcdefghijklmnopqrstuvwx';

describe('logger', () => {
  it('writes JSON lines with the async-scope fields, without passing them by hand', async () => {
    const { logger, lines } = createCaptureLogger();
    await withLogContext({ update_id: 7, user_id: 42, chat_id: 42 }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      logger.info('inside');
    });
    logger.info('outside');
    const [inside, outside] = lines();
    assert.deepEqual(
      {
        message: inside?.message,
        update_id: inside?.update_id,
        user_id: inside?.user_id,
        chat_id: inside?.chat_id,
        level: inside?.level,
        service: inside?.service,
      },
      { message: 'inside', update_id: 7, user_id: 42, chat_id: 42, level: 'info', service: 'tg-genbot' },
    );
    assert.equal(typeof inside?.timestamp, 'string');
    assert.equal(outside?.update_id, undefined);
  });

  it('masks tokens and registered secrets in messages, fields, nested objects and error stacks', () => {
    registerSecret('kie-secret-key-123456');
    try {
      const { logger, raw, lines } = createCaptureLogger();
      const url = `https://api.telegram.org/bot${TOKEN}/sendMessage`;
      const err = new Error(`request to ${url} failed`);
      logger.error(`calling ${url}`, {
        url,
        nested: { deep: [{ header: 'Bearer kie-secret-key-123456' }] },
        err,
        plain: `token ${TOKEN} pasted`,
      });
      const text = raw();
      assert.ok(!text.includes(TOKEN), text);
      assert.ok(!text.includes('AAE-test_Token'), text);
      assert.ok(!text.includes('kie-secret-key-123456'), text);
      const [line] = lines();
      assert.equal(line?.message, 'calling https://api.telegram.org/bot<redacted>/sendMessage');
      assert.match(JSON.stringify(line?.err), /bot<redacted>\/sendMessage failed/);
    } finally {
      clearRegisteredSecrets();
    }
  });

  it('leaves ordinary ids and trace ids alone', () => {
    assert.equal(
      redact('user 123456789 trace 4bf92f3577b34da6a3ce929d0e0e4736'),
      'user 123456789 trace 4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });
});
