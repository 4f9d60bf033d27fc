import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATALOG_PATH_DEFAULT,
  ConfigError,
  KIE_BASE_URL_DEFAULT,
  KIE_UPLOAD_BASE_URL_DEFAULT,
  parseConfig,
  requireBotToken,
  TELEGRAM_API_ROOT_DEFAULT,
} from '../src/config.ts';

const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = parseConfig({});
    assert.equal(config.mode, 'polling');
    assert.equal(config.telegramApiRoot, TELEGRAM_API_ROOT_DEFAULT);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, './data');
    assert.equal(config.catalogPath, CATALOG_PATH_DEFAULT);
    assert.equal(CATALOG_PATH_DEFAULT, './catalog/catalog.json');
    assert.equal(config.port, 8080);
    assert.deepEqual(config.adminIds, []);
    assert.equal(config.defaultLanguage, 'en');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.logFormat, 'json');
    assert.equal(config.webhook, undefined);
    assert.deepEqual(config.kie, {
      apiKey: undefined,
      baseUrl: KIE_BASE_URL_DEFAULT,
      timeoutMs: 30_000,
      createPer10s: 20,
      pollsPerSecond: 10,
      uploadBaseUrl: KIE_UPLOAD_BASE_URL_DEFAULT,
      callbackHmacKey: undefined,
    });
    assert.equal(KIE_UPLOAD_BASE_URL_DEFAULT, 'https://kieai.redpandaai.co');
  });

  it('parses the KIE settings', () => {
    const config = parseConfig({
      KIE_API_KEY: 'kie-secret-key',
      KIE_BASE_URL: 'http://127.0.0.1:9999/',
      KIE_TIMEOUT_MS: '5000',
      KIE_CREATE_LIMIT_PER_10S: '15',
      KIE_POLL_LIMIT_PER_S: '5',
      KIE_UPLOAD_BASE_URL: 'http://127.0.0.1:9998/',
      KIE_CALLBACK_HMAC_KEY: 'whsec-kie-123',
    });
    assert.deepEqual(config.kie, {
      apiKey: 'kie-secret-key',
      baseUrl: 'http://127.0.0.1:9999',
      timeoutMs: 5000,
      createPer10s: 15,
      pollsPerSecond: 5,
      uploadBaseUrl: 'http://127.0.0.1:9998',
      callbackHmacKey: 'whsec-kie-123',
    });
    assert.ok(Object.isFrozen(config.kie));
  });

  it('parses a full webhook configuration', () => {
    const config = parseConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      WEBHOOK_SECRET: 'a-long-secret_value-123',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      DATABASE_URL: 'postgres://u@db:5432/bot',
      PORT: '9000',
      CATALOG_PATH: '/etc/bot/catalog.json',
      ADMIN_IDS: '1, 22,333',
      DEFAULT_LANGUAGE: 'ru',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'development',
    });
    assert.equal(config.mode, 'webhook');
    assert.deepEqual(config.webhook, {
      url: 'https://bot.example.com/telegram/webhook',
      secret: 'a-long-secret_value-123',
    });
    assert.equal(config.telegramApiRoot, 'http://127.0.0.1:8081', 'trailing slash removed');
    assert.equal(config.port, 9000);
    assert.equal(config.catalogPath, '/etc/bot/catalog.json');
    assert.deepEqual(config.adminIds, [1, 22, 333]);
    assert.equal(config.defaultLanguage, 'ru');
    assert.equal(config.logFormat, 'pretty', 'development defaults to readable lines');
    assert.ok(Object.isFrozen(config));
  });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['a malformed BOT_TOKEN', { BOT_TOKEN: 'nope' }, /^BOT_TOKEN: must look like/],
    [
      'a non-URL TELEGRAM_API_ROOT',
      { TELEGRAM_API_ROOT: 'api.telegram' },
      /^TELEGRAM_API_ROOT: must be an http\(s\) URL/,
    ],
    ['a non-postgres DATABASE_URL', { DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a postgres:\/\//],
    ['an unknown BOT_MODE', { BOT_MODE: 'push' }, /^BOT_MODE: must be polling or webhook/],
    ['a non-numeric PORT', { PORT: 'eighty' }, /^PORT: must be a port number/],
    ['an out-of-range PORT', { PORT: '70000' }, /^PORT: /],
    [
      'non-numeric ADMIN_IDS',
      { ADMIN_IDS: '1,bob' },
      /^ADMIN_IDS: must be comma-separated Telegram user ids, got "bob"/,
    ],
    [
      'an unsupported DEFAULT_LANGUAGE',
      { DEFAULT_LANGUAGE: 'de' },
      /^DEFAULT_LANGUAGE: must be one of en, ru/,
    ],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'verbose' }, /^LOG_LEVEL: must be one of/],
    ['a non-URL KIE_BASE_URL', { KIE_BASE_URL: 'api.kie.ai' }, /^KIE_BASE_URL: must be an http\(s\) URL/],
    [
      'a non-URL KIE_UPLOAD_BASE_URL',
      { KIE_UPLOAD_BASE_URL: 'upload' },
      /^KIE_UPLOAD_BASE_URL: must be an http\(s\) URL/,
    ],
    ['a non-numeric KIE_TIMEOUT_MS', { KIE_TIMEOUT_MS: 'soon' }, /^KIE_TIMEOUT_MS: must be milliseconds/],
    ['a zero KIE_CREATE_LIMIT_PER_10S', { KIE_CREATE_LIMIT_PER_10S: '0' }, /^KIE_CREATE_LIMIT_PER_10S: /],
    ['a fractional KIE_POLL_LIMIT_PER_S', { KIE_POLL_LIMIT_PER_S: '2.5' }, /^KIE_POLL_LIMIT_PER_S: /],
    [
      'webhook mode without WEBHOOK_URL',
      { BOT_MODE: 'webhook', WEBHOOK_SECRET: 'a-long-secret_value-123' },
      /^WEBHOOK_URL: is required when BOT_MODE=webhook/,
    ],
    [
      'webhook mode without WEBHOOK_SECRET',
      { BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.example/hook' },
      /^WEBHOOK_SECRET: is required when BOT_MODE=webhook/,
    ],
    [
      'a too short WEBHOOK_SECRET',
      { BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.example/hook', WEBHOOK_SECRET: 'short' },
      /^WEBHOOK_SECRET: must be 16–256 characters/,
    ],
  ];
  for (const [name, env, expected] of cases) {
    it(`reports ${name} with its own message`, () => {
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', expected);
    });
  }

  it('lists every problem at once', () => {
    const problems = problemsOf({ BOT_TOKEN: 'x', PORT: 'y', DEFAULT_LANGUAGE: 'fr', BOT_MODE: 'webhook' });
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['BOT_TOKEN', 'PORT', 'DEFAULT_LANGUAGE', 'WEBHOOK_URL', 'WEBHOOK_SECRET'],
    );
  });

  it('never echoes the token it rejects', () => {
    const secretish = '999999:this-is-not-valid because spaces';
    const problems = problemsOf({ BOT_TOKEN: secretish });
    assert.ok(!problems.join('\n').includes('this-is-not-valid'));
  });

  it('treats empty strings as unset', () => {
    const config = parseConfig({ BOT_TOKEN: '', PORT: '', DATABASE_URL: ' ', KIE_API_KEY: ' ' });
    assert.equal(config.botToken, undefined);
    assert.equal(config.kie.apiKey, undefined);
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, undefined);
  });
});

describe('requireBotToken', () => {
  it('names the missing variable and points to the sandbox', () => {
    assert.throws(
      () => requireBotToken(parseConfig({})),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 1);
        assert.match(error.problems[0] ?? '', /^BOT_TOKEN: is not set.*npm run sandbox/);
        return true;
      },
    );
  });
  it('returns the token when set', () => {
    assert.equal(requireBotToken(parseConfig({ BOT_TOKEN: TOKEN })), TOKEN);
  });
});
