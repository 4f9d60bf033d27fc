import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { CONFIG_KEYS } from '../src/config.ts';

it('.env.example lists every key the config reads', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const listed = new Set(
    text
      .split('\n')
      .map((l) => l.match(/^([A-Z0-9_]+)=/)?.[1])
      .filter(Boolean),
  );
  const missing = CONFIG_KEYS.filter((k) => !listed.has(k));
  assert.deepEqual(missing, []);
});
