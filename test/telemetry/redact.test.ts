import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { clearRegisteredSecrets, redact, registerSecret } from '../../src/telemetry/redact.ts';

describe('redact (clean strings remembered)', () => {
  afterEach(() => clearRegisteredSecrets());

  it('redacts a secret registered after the same text was found clean', () => {
    const text = 'calling with key kie-secret-value-42';
    assert.equal(redact(text), text, 'nothing registered yet: clean');
    assert.equal(redact(text), text, 'and clean again from memory');
    registerSecret('kie-secret-value-42');
    assert.equal(redact(text), 'calling with key <redacted>');
  });

  it('redacts a secret-bearing text on every call, not only the first', () => {
    registerSecret('llm-secret-value-77');
    for (let i = 0; i < 3; i++) {
      assert.equal(redact('Bearer llm-secret-value-77'), 'Bearer <redacted>');
      assert.equal(
        redact('GET /bot123456789:AAEabcdefghijklmnopqrstuvwxyz0123/getMe'),
        'GET /bot<redacted>/getMe',
      );
    }
  });

  it('keeps answering correctly after forgetting (more distinct strings than it remembers)', () => {
    for (let i = 0; i < 5_000; i++) assert.equal(redact(`user ${i}`), `user ${i}`);
    registerSecret('late-secret-123');
    assert.equal(redact('user 1 late-secret-123'), 'user 1 <redacted>');
  });
});
