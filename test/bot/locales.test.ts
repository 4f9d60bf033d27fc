import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { LOCALES_DIR } from '../../src/bot/i18n.ts';
import { COMMAND_KEY } from '../../src/bot/message-keys.ts';
import { ADMIN_COMMANDS, KNOWN_COMMANDS } from '../../src/bot/middlewares/update-attributes.ts';
import { LANGUAGES } from '../../src/i18n/languages.ts';

const SRC = join(LOCALES_DIR, '..', 'src');
const KEY = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;

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

/**
 * Maps of literal keys a call may index (`t(GEN_KIND_KEY[kind])`); their values are read as used keys.
 * Every other dynamic key argument must be listed in PASS_THROUGH with the reason it is safe.
 */
const KEY_MAPS = [
  'GEN_KIND_KEY',
  'LANGUAGE_NAME_KEY',
  'HISTORY_STATUS_KEY',
  'LEDGER_OPERATION_KEY',
  'COMMAND_KEY',
  'ADMIN_ALERT_KEY',
  'FAILURE_REASON_KEY',
];
const PASS_THROUGH: Record<string, string> = {
  // A wrapper's own parameter: its callers pass literal keys, which the scan reads at their call sites.
  key: 'a translate wrapper or a key chosen from literals just above',
  // An error's message key: AppError subclasses and ValidationError take literal keys, read below.
  'notice.messageKey': 'stored from an error userMessageKey',
  'classified.userMessageKey': 'an error userMessageKey',
  'failureReasonKey(g)': 'FAILURE_REASON_KEY',
};

interface Call {
  readonly file: string;
  readonly line: number;
  readonly arg: string;
}

/**
 * Every translation call in src: `ctx.t('k'`, `t('k'`, `i18n.t(lang, 'k'`, `i18n().t(job.language, 'k'`.
 * A method named `t` on an i18n object takes the locale first; any other `t(` takes the key first.
 */
function translationCalls(file: string, text: string): Call[] {
  const calls: Call[] = [];
  for (const m of text.matchAll(/(\bi18n(?:\(\))?\.t|(?<![\w.])t|\bctx\.t)\(\s*/g)) {
    let rest = text.slice((m.index ?? 0) + m[0].length);
    if (m[1]?.startsWith('i18n')) rest = rest.slice(argumentEnd(rest) + 1).trimStart();
    const arg = rest.slice(0, argumentEnd(rest)).trim();
    // The definition of a wrapper (`t = (key: string, …) =>`) is not a call.
    if (/^\w+\s*:/.test(arg)) continue;
    calls.push({ file, line: text.slice(0, m.index).split('\n').length, arg });
  }
  return calls;
}

/** Index of the comma or parenthesis that ends the first argument of `rest`. */
function argumentEnd(rest: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return i;
      depth--;
    } else if (c === ',' && depth === 0) return i;
  }
  return rest.length;
}

/** The keys of a literal argument: `'k'`, or `cond ? 'a' : 'b'`; undefined for anything else. */
function literalKeys(arg: string): string[] | undefined {
  const one = arg.match(/^'([^']+)'$/);
  if (one) return [one[1] as string];
  const either = arg.match(/^[^?]+\?\s*'([^']+)'\s*:\s*'([^']+)'$/);
  return either ? [either[1] as string, either[2] as string] : undefined;
}

/** Keys named outside calls: error message keys, key maps' values, keys a function returns. */
function otherKeys(file: string, text: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(/userMessageKey:\s*'([^']+)'|new ValidationError\(\s*'([^']+)'/g))
    keys.push((m[1] ?? m[2]) as string);
  for (const name of KEY_MAPS) {
    const body = text.match(new RegExp(`export const ${name}\\b[^=]*=\\s*\\{([\\s\\S]*?)\\n\\};`))?.[1];
    if (body) for (const m of body.matchAll(/:\s*'([^']+)'/g)) keys.push(m[1] as string);
  }
  // `{ key: 'gen-model-button' }`: literals assigned to something named key (the fakes translate nothing).
  if (file.startsWith('fakes')) return keys;
  for (const m of text.matchAll(/\bkey\b[^;\n]*/g))
    for (const l of m[0].matchAll(/'([a-z][a-z0-9-]+)'/g))
      if (KEY.test(l[1] as string)) keys.push(l[1] as string);
  return keys;
}

const files = sources(SRC)
  .filter((f) => !relative(SRC, f).startsWith(join('fakes', 'telegram', 'web')))
  .map((f) => ({ file: relative(SRC, f), text: readFileSync(f, 'utf8') }));

it('locales/ has one Fluent file per language the bot speaks, and no other', () => {
  const files = readdirSync(LOCALES_DIR).filter((f) => f.endsWith('.ftl'));
  assert.deepEqual(files.sort(), LANGUAGES.map((lang) => `${lang}.ftl`).sort());
});

it('every language defines the same message keys', () => {
  const [first, ...others] = LANGUAGES;
  for (const lang of others) assert.deepEqual([...keysOf(lang)].sort(), [...keysOf(first)].sort(), lang);
});

it('every key used anywhere in src exists in both locales', () => {
  const locales = LANGUAGES.map(keysOf);
  const used = new Map<string, string>();
  for (const { file, text } of files) {
    for (const c of translationCalls(file, text)) {
      for (const literal of literalKeys(c.arg) ?? []) used.set(literal, `${c.file}:${c.line}`);
    }
    for (const k of otherKeys(file, text)) used.set(k, file);
  }
  assert.ok(used.size >= 150, `found only ${used.size} keys: the scan is not reading src`);
  const missing = [...used]
    .filter(([k]) => locales.some((keys) => !keys.has(k)))
    .map(([k, where]) => `${k} (${where})`);
  assert.deepEqual(missing, []);
});

it('every dynamic key is an index into a map of literal keys, or an allowed pass-through', () => {
  const dynamic: string[] = [];
  for (const { file, text } of files) {
    for (const c of translationCalls(file, text)) {
      if (literalKeys(c.arg)) continue;
      const map = c.arg.match(/^(\w+)\[/)?.[1];
      if (map && KEY_MAPS.includes(map)) continue;
      const fallback = c.arg.match(/^(\w+)\[[^\]]+\]\s*\?\?\s*'[^']+'$/)?.[1];
      if (fallback && KEY_MAPS.includes(fallback)) continue;
      if (c.arg in PASS_THROUGH) continue;
      dynamic.push(`${c.file}:${c.line}: t(${c.arg})`);
    }
  }
  assert.deepEqual(dynamic, []);
});

it('the command menu has a description key for every command', () => {
  for (const command of [...KNOWN_COMMANDS, ...ADMIN_COMMANDS]) assert.ok(COMMAND_KEY[command], command);
});
