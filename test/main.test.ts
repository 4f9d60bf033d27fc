import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function runMain(env: Record<string, string>) {
  const cleanEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  return spawnSync(process.execPath, ['src/main.ts'], {
    cwd: root,
    env: { ...cleanEnv, OTEL_SDK_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('npm start (src/main.ts)', () => {
  it('exits non-zero with one line naming BOT_TOKEN and pointing to the sandbox when the token is missing', () => {
    const result = runMain({});
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /BOT_TOKEN.*not set.*npm run sandbox/);
  });

  it('lists every invalid variable and exits non-zero', () => {
    const result = runMain({ BOT_TOKEN: 'bad', PORT: 'x' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /BOT_TOKEN: must look like/);
    assert.match(result.stderr, /PORT: must be a port number/);
  });
});
