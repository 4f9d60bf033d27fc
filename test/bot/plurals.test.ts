import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FluentResource } from '@fluent/bundle';
import { createI18n, LOCALES_DIR } from '../../src/bot/i18n.ts';

/** The counts the issue names: every Russian plural category, and the teens that look like "one". */
const COUNTS = [0, 1, 2, 5, 11, 21, 22, 101];
/** Any other variable of a message gets this (a number, so a second counted noun is checked too). */
const OTHER = 7;

type Element = string | { type: string; name?: string; selector?: Element; variants?: Variant[] };
type Variant = { key: { type: string; value: string | number }; value: Element[] | string };

/** The message's variables, and which of them a selector switches on (a count), from Fluent's AST. */
function variablesOf(pattern: Element[] | string | null): { all: Set<string>; selected: Set<string> } {
  const all = new Set<string>();
  const selected = new Set<string>();
  const walk = (p: Element[] | string | null | undefined) => {
    if (!p || typeof p === 'string') return;
    for (const el of p) {
      if (typeof el === 'string') continue;
      if (el.type === 'var' && el.name) all.add(el.name);
      if (el.type === 'select' && el.selector && typeof el.selector !== 'string') {
        if (el.selector.type === 'var' && el.selector.name) {
          all.add(el.selector.name);
          selected.add(el.selector.name);
        }
        for (const v of el.variants ?? []) walk(v.value);
      }
    }
  };
  walk(pattern);
  return { all, selected };
}

function messagesOf(lang: string) {
  const source = readFileSync(join(LOCALES_DIR, `${lang}.ftl`), 'utf8');
  const body = (
    new FluentResource(source) as unknown as { body: Array<{ id: string; value: Element[] | string | null }> }
  ).body;
  return { source, messages: body.map((m) => ({ id: m.id, ...variablesOf(m.value) })) };
}

/** Forms by plural category: after a number (nominative), and after до / от / не длиннее (genitive). */
const RU_NOUNS: Record<string, { one: string; few: string; many: string; genOne: string; genMany: string }> =
  {
    кредит: { one: 'кредит', few: 'кредита', many: 'кредитов', genOne: 'кредита', genMany: 'кредитов' },
    часть: { one: 'часть', few: 'части', many: 'частей', genOne: 'части', genMany: 'частей' },
    символ: { one: 'символ', few: 'символа', many: 'символов', genOne: 'символа', genMany: 'символов' },
    генерация: {
      one: 'генерация',
      few: 'генерации',
      many: 'генераций',
      genOne: 'генерации',
      genMany: 'генераций',
    },
    сообщение: {
      one: 'сообщение',
      few: 'сообщения',
      many: 'сообщений',
      genOne: 'сообщения',
      genMany: 'сообщений',
    },
    трек: { one: 'трек', few: 'трека', many: 'треков', genOne: 'трека', genMany: 'треков' },
    секунда: { one: 'секунда', few: 'секунды', many: 'секунд', genOne: 'секунды', genMany: 'секунд' },
  };
const EN_NOUNS = ['credit', 'part', 'character', 'generation', 'track', 'second', 'message'];
const RU_GENITIVE_BEFORE = /(?:^|[\s(])(?:до|от|длиннее|меньше)$/;

/** Every "<number> <counted noun>" in a rendered text, checked against that number's plural category. */
function checkCounts(lang: 'ru' | 'en', html: string): { checked: number; wrong: string[] } {
  // `<b>5</b> credits`: the markup is not part of the words.
  const text = html.replace(/<[^>]+>/g, '');
  const rules = new Intl.PluralRules(lang);
  const wrong: string[] = [];
  let checked = 0;
  for (const m of text.matchAll(/(\S*)\s?(?<!\d)(\d+)\s(?:KIE\s)?([\p{L}]+)/gu)) {
    const before = text.slice(0, m.index).trimEnd() + (m[1] ? ` ${m[1]}` : '');
    const n = Number(m[2]);
    const word = m[3] as string;
    if (lang === 'en') {
      const noun = EN_NOUNS.find((s) => word === s || word === `${s}s`);
      if (!noun) continue;
      checked += 1;
      const expected = n === 1 ? noun : `${noun}s`;
      if (word !== expected) wrong.push(`${n} ${word} (expected ${expected})`);
      continue;
    }
    const forms = Object.values(RU_NOUNS).find((f) => Object.values(f).includes(word));
    if (!forms) continue;
    checked += 1;
    const category = rules.select(n) as 'one' | 'few' | 'many';
    const genitive = RU_GENITIVE_BEFORE.test(before);
    const expected = genitive ? (category === 'one' ? forms.genOne : forms.genMany) : forms[category];
    if (word !== expected) wrong.push(`${before.slice(-12)} ${n} ${word} (expected ${expected})`);
  }
  return { checked, wrong };
}

describe('plural forms of every message that takes a count', () => {
  const i18n = createI18n('en');

  for (const lang of ['ru', 'en'] as const) {
    const { source, messages } = messagesOf(lang);
    const counted = messages.filter((m) => m.selected.size > 0);

    it(`${lang}: finds the messages with counts by parsing the file`, () => {
      // The credits, parts, characters and generations of the bot: far more than a handful.
      assert.ok(counted.length >= 25, `only ${counted.length} messages select on a count`);
      for (const key of ['gen-price', 'balance-text', 'protocol-quote', 'gen-refunded', 'protocol-done']) {
        assert.ok(
          counted.some((m) => m.id === key),
          `${key} has a plural selector`,
        );
      }
    });

    it(`${lang}: no count stands next to a noun without a plural selector`, () => {
      const nouns =
        lang === 'en'
          ? EN_NOUNS.map((n) => `${n}s?`).join('|')
          : Object.values(RU_NOUNS)
              .flatMap((f) => Object.values(f))
              .join('|');
      // A variant line (`[one] …`, `*[other] …`) is inside a selector already.
      const outside = source
        .split('\n')
        .filter((line) => !/^\s*\*?\[/.test(line))
        .join('\n');
      const bare = [
        ...outside.matchAll(new RegExp(`\\{ \\$\\w+ \\} (?:KIE )?(?:${nouns})(?![\\p{L}])`, 'gu')),
      ];
      assert.deepEqual(
        bare.map((m) => m[0]),
        [],
      );
    });

    for (const message of counted) {
      it(`${lang}: ${message.id} agrees with ${COUNTS.join(', ')}`, () => {
        let checked = 0;
        const wrong: string[] = [];
        for (const var_ of message.selected) {
          for (const n of COUNTS) {
            const args = Object.fromEntries([...message.all].map((v) => [v, v === var_ ? n : OTHER]));
            const text = i18n.t(lang, message.id, args);
            assert.doesNotMatch(text, /\{|\$/, `rendered without errors: ${text}`);
            const result = checkCounts(lang, text);
            checked += result.checked;
            wrong.push(...result.wrong.map((w) => `${var_}=${n}: ${w}`));
          }
        }
        assert.deepEqual(wrong, []);
        // A selector that is not about a noun after the number (e.g. "The text is read" for one part).
        if (message.id !== 'protocol-synthesizing')
          assert.ok(checked > 0, `no counted noun found in ${message.id}`);
      });
    }
  }

  it('renders the forms the issue names', () => {
    const ru = COUNTS.map((n) => i18n.t('ru', 'gen-price', { price: n }));
    assert.deepEqual(ru, [
      '0 кредитов',
      '1 кредит',
      '2 кредита',
      '5 кредитов',
      '11 кредитов',
      '21 кредит',
      '22 кредита',
      '101 кредит',
    ]);
    const en = COUNTS.map((n) => i18n.t('en', 'gen-price', { price: n }));
    assert.deepEqual(en, [
      '0 credits',
      '1 credit',
      '2 credits',
      '5 credits',
      '11 credits',
      '21 credits',
      '22 credits',
      '101 credits',
    ]);
    assert.match(i18n.t('en', 'protocol-done', { segments: 1, price: 2 }), /\(1 part, 2 credits\)/);
    assert.match(i18n.t('ru', 'protocol-done', { segments: 21, price: 5 }), /\(21 часть, 5 кредитов\)/);
  });
});
