import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it("refuses to start on a catalog that sells an option combination below KIE's cost, listing each one", () => {
    const catalog = JSON.parse(readFileSync(join(root, 'catalog/catalog.json'), 'utf8'));
    const kling = catalog.models.find((m: { id: string }) => m.id === 'kling-text-to-video');
    // Today's old flat price: 60 credits whatever the options, while KIE bills 55–220 KIE credits.
    for (const row of kling.prices) row.credits = 60;
    const file = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'catalog.json');
    writeFileSync(file, JSON.stringify(catalog));
    const result = runMain({
      BOT_TOKEN: '123456:ABCDEFGHIJKLMNOP',
      CATALOG_PATH: file,
      DATA_DIR: ':memory:',
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /Invalid catalog/);
    for (const combination of [
      'duration=5, sound=false',
      'duration=5, sound=true',
      'duration=10, sound=false',
      'duration=10, sound=true',
    ]) {
      assert.match(result.stderr, new RegExp(`kling-text-to-video ${combination}: 60 credits bring`));
    }
    assert.doesNotMatch(result.stderr, /kling-image-to-video/);
  });
});
