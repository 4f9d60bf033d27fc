import { ValidationError } from '../../../errors/app-error.ts';

/** What an admin asked for with `/admin …`. */
export type AdminCommand =
  | { readonly kind: 'totals' }
  | { readonly kind: 'help' }
  | { readonly kind: 'user'; readonly userId: number }
  | { readonly kind: 'adjust'; readonly userId: number; readonly amount: number; readonly reason: string }
  | { readonly kind: 'recheck'; readonly ref: string }
  | { readonly kind: 'refund'; readonly chargeId: string };

// Telegram ids fit in 52 bits; generation ids are UUIDs; KIE task ids are short tokens.
const USER_ID = /^\d{1,16}$/;
const AMOUNT = /^[+-]?\d{1,16}$/;
const REF = /^[A-Za-z0-9_-]{1,128}$/;
// Telegram payment charge ids are opaque tokens (e.g. `stxAbC…`); nothing else is let through.
const CHARGE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

function userId(token: string | undefined, usageKey: string): number {
  const id = token !== undefined && USER_ID.test(token) ? Number(token) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new ValidationError(usageKey);
  return id;
}

/**
 * Parses the text after `/admin`: nothing (totals), `help`, `user <id>` (or a bare id),
 * `adjust <id> <±amount> <reason…>`, `recheck <generation id | KIE task id>`, `refund <charge id>`.
 * Bad input throws a ValidationError whose message is the usage of the subcommand that was meant.
 */
export function parseAdminCommand(args: string): AdminCommand {
  const text = args.trim();
  if (text === '') return { kind: 'totals' };
  const [sub = '', ...rest] = text.split(/\s+/);
  switch (sub.toLowerCase()) {
    case 'help':
      return { kind: 'help' };
    case 'user':
      if (rest.length !== 1) throw new ValidationError('admin-usage-user');
      return { kind: 'user', userId: userId(rest[0], 'admin-usage-user') };
    case 'adjust': {
      // The reason keeps its own spacing: everything after the amount.
      const match = text.match(/^\S+\s+(\S+)\s+(\S+)\s+(\S[\s\S]*)$/);
      if (!match) throw new ValidationError('admin-usage-adjust');
      const [, id, amountText = '', reason = ''] = match;
      const amount = AMOUNT.test(amountText) ? Number(amountText) : Number.NaN;
      if (!Number.isSafeInteger(amount) || amount === 0) throw new ValidationError('admin-usage-adjust');
      return { kind: 'adjust', userId: userId(id, 'admin-usage-adjust'), amount, reason: reason.trim() };
    }
    case 'recheck':
      if (rest.length !== 1 || !REF.test(rest[0] ?? '')) throw new ValidationError('admin-usage-recheck');
      return { kind: 'recheck', ref: rest[0] as string };
    case 'refund':
      if (rest.length !== 1 || !CHARGE_ID.test(rest[0] ?? ''))
        throw new ValidationError('admin-usage-refund');
      return { kind: 'refund', chargeId: rest[0] as string };
    default:
      if (rest.length === 0 && USER_ID.test(sub)) return { kind: 'user', userId: userId(sub, 'admin-usage') };
      throw new ValidationError('admin-usage');
  }
}
