import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tg-genbot-migrate-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const migrate = () =>
  spawnSync(process.execPath, ['src/db/migrate.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });

it('npm run migrate applies the migrations to the embedded database, then reports it up to date', () => {
  const first = migrate();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^Applied: 2026_11_22_14_30_00_create_users, /);
  const second = migrate();
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout.trim(), 'Database is up to date');
});
