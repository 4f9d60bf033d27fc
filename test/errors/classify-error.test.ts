import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BotError, GrammyError } from 'grammy';
import { AppError } from '../../src/errors/app-error.ts';
import { classifyError, isBlockedByUser } from '../../src/errors/classify-error.ts';

const grammy = (code: number, description: string) =>
  new GrammyError('x', { ok: false, error_code: code, description }, 'sendMessage', {});

describe('classifyError', () => {
  it('unwraps BotError and keeps an AppError’s own fields', () => {
    const inner = new AppError('kie down', {
      code: 'kie.500',
      retryable: true,
      userMessageKey: 'error-unavailable',
      details: { http: 500 },
    });
    const c = classifyError(new BotError(inner, {} as never));
    assert.equal(c.error, inner);
    assert.deepEqual(
      [c.code, c.retryable, c.userMessageKey, c.level, c.details],
      ['kie.500', true, 'error-unavailable', 'error', { http: 500 }],
    );
  });

  it('marks 5xx from Telegram retryable and 4xx not', () => {
    assert.equal(classifyError(grammy(502, 'Bad Gateway')).retryable, true);
    assert.equal(classifyError(grammy(400, 'Bad Request: x')).retryable, false);
  });

  it('recognises every way Telegram says the user is gone', () => {
    for (const d of [
      'Forbidden: bot was blocked by the user',
      'Forbidden: user is deactivated',
      'Forbidden: bot was kicked from the group chat',
    ]) {
      assert.ok(isBlockedByUser(grammy(403, d)), d);
    }
    assert.ok(!isBlockedByUser(grammy(403, 'Forbidden: not enough rights')));
  });
});
