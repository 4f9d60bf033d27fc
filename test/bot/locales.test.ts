import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { LOCALES_DIR } from '../../src/bot/i18n.ts';

const keysOf = (lang: string) =>
  new Set(
    readFileSync(join(LOCALES_DIR, `${lang}.ftl`), 'utf8')
      .split('\n')
      .map((l) => l.match(/^([a-z][a-z0-9-]*)\s*=/)?.[1])
      .filter((k): k is string => Boolean(k)),
  );

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

it('ru and en define the same message keys', () => {
  assert.deepEqual([...keysOf('ru')].sort(), [...keysOf('en')].sort());
});

it('every literal key the bot translates exists', () => {
  const en = keysOf('en');
  const used = new Set<string>();
  for (const file of sources(join(LOCALES_DIR, '..', 'src', 'bot'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-z][a-z0-9-]*)'/g))
      used.add(m[1] as string);
  }
  assert.ok(used.size >= 8, `found ${used.size} keys`);
  assert.deepEqual(
    [...used].filter((k) => !en.has(k)),
    [],
  );
});
