import type { Language } from '../../i18n/languages.ts';

/** A top-up pack: credits sold for a price in the provider's currency (from the catalog). */
export interface TopUpPack {
  readonly id: string;
  readonly credits: number;
  /** Price in Telegram Stars (currency XTR). */
  readonly stars: number;
  readonly title: Readonly<Record<Language, string>>;
}
