import type { ModelKind } from '../catalog/index.ts';
import type { LedgerLabel } from '../services/billing/ledger-entry.ts';
import type { GenerationStatus } from '../services/generations/index.ts';
import type { Language } from '../services/user.service.ts';

/*
 * Message keys chosen by a value, written out in full: a key built from a template or by string
 * replacement is invisible to the locale scan (test/bot/locales.test.ts), which reads these maps
 * instead and fails on any other dynamic key.
 */

/** The label of each kind of model in the generation menu. */
export const GEN_KIND_KEY: Readonly<Record<ModelKind, string>> = {
  image: 'gen-kind-image',
  video: 'gen-kind-video',
  music: 'gen-kind-music',
};

/** Each language's name, written in that language. */
export const LANGUAGE_NAME_KEY: Readonly<Record<Language, string>> = {
  en: 'language-name-en',
  ru: 'language-name-ru',
};

/** A generation's status as /history shows it. */
export const HISTORY_STATUS_KEY: Readonly<Record<GenerationStatus, string>> = {
  pending: 'history-status-pending',
  creating: 'history-status-creating',
  unknown: 'history-status-unknown',
  running: 'history-status-running',
  succeeded: 'history-status-succeeded',
  delivered: 'history-status-delivered',
  failed: 'history-status-failed',
  timed_out: 'history-status-timed-out',
  refunded: 'history-status-refunded',
  cancelled: 'history-status-cancelled',
};

/** A ledger operation's name in /balance and /admin user (protocol charges and refunds by ledgerLabel). */
export const LEDGER_OPERATION_KEY: Readonly<Record<LedgerLabel, string>> = {
  topup: 'ledger-operation-topup',
  charge: 'ledger-operation-charge',
  refund: 'ledger-operation-refund',
  adjustment: 'ledger-operation-adjustment',
  protocol_charge: 'ledger-operation-protocol-charge',
  protocol_refund: 'ledger-operation-protocol-refund',
};

/** The description of each command in Telegram's command menu. */
export const COMMAND_KEY: Readonly<Record<string, string>> = {
  start: 'command-start',
  generate: 'command-generate',
  history: 'command-history',
  cancel: 'command-cancel',
  balance: 'command-balance',
  help: 'command-help',
  language: 'command-language',
  paysupport: 'command-paysupport',
  admin: 'command-admin',
};

/** The admins' message for each incident code (AdminAlert.incident); others get the generic one. */
export const ADMIN_ALERT_KEY: Readonly<Record<string, string>> = {
  'kie.insufficient_credits': 'admin-alert-kie-insufficient-credits',
  'llm.insufficient_credits': 'admin-alert-llm-insufficient-credits',
};
