import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { I18n } from '@grammyjs/i18n';
import { createI18n, LOCALES_DIR } from '../../src/bot/i18n.ts';

/** The library's own I18n, without the memo, as the reference. */
const plain = (defaultLocale: string) =>
  new I18n({ defaultLocale, directory: LOCALES_DIR, fluentBundleOptions: { useIsolating: false } });

describe('createI18n (bundle matching kept per locale list)', () => {
  it('translates exactly as the plain library does, in every language and after a fallback', () => {
    for (const fallback of ['en', 'ru'] as const) {
      const ours = createI18n(fallback);
      const reference = plain(fallback);
      // Twice each: the second answer comes from the memo. 'de' has no bundle: the default serves.
      for (const locale of ['ru', 'en', 'de', 'ru', 'en', 'de']) {
        for (const key of ['start-greeting', 'help-text']) {
          assert.equal(ours.t(locale, key, { name: 'Анна' }), reference.t(locale, key, { name: 'Анна' }));
        }
      }
      assert.notEqual(ours.t('ru', 'help-text'), ours.t('en', 'help-text'), 'ru and en differ');
    }
  });

  it('sees a bundle added after the first translation', () => {
    const i18n = createI18n('en');
    assert.equal(i18n.t('de', 'help-text'), i18n.t('en', 'help-text'), 'no German yet: English');
    i18n.loadLocaleSync('de', { source: 'help-text = Hilfe' });
    assert.equal(i18n.t('de', 'help-text'), 'Hilfe');
  });
});
