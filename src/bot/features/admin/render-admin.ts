import type {
  AdjustResult,
  AdminTotals,
  GenerationListKind,
  GenerationSummary,
  KieCheck,
  RecheckReport,
  StarsRefundResult,
  UserReport,
} from '../../../services/admin/index.ts';
import { type LedgerEntry, ledgerLabel } from '../../../services/billing/ledger-entry.ts';
import { cutText } from '../../../text/cut-text.ts';
import type { BotContext } from '../../context.ts';
import { escapeHtml } from '../../escape-html.ts';
import { languageOf } from '../../i18n.ts';
import { LEDGER_OPERATION_KEY } from '../../message-keys.ts';

// Admin replies use HTML: every value that did not come from our own code (reasons, model names,
// KIE codes and messages, ids KIE chose) is escaped. Ids are passed as strings so Fluent does not
// format them as numbers (1,234,567).

const MAX_FAIL_MSG = 120;
/** A lookup lists up to 8 + 8 rows; shortened reasons keep it well under Telegram's 4096 characters. */
const MAX_REASON_SHOWN = 80;
const clip = (text: string, max: number) => cutText(text, max);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const code = (value: string | undefined, ctx: BotContext) =>
  value ? `<code>${escapeHtml(value)}</code>` : ctx.t('admin-none');

function dateFormat(ctx: BotContext): Intl.DateTimeFormat {
  const lang = languageOf(ctx, ctx.deps.config.defaultLanguage);
  return new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium', timeZone: 'UTC' });
}

/** `/admin`: the totals. */
export function renderTotals(ctx: BotContext, totals: AdminTotals): string {
  const byStatus = Object.entries(totals.generationsByStatus)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  return [
    ctx.t('admin-totals', {
      users: totals.users,
      active: totals.activeUsers,
      held: totals.creditsHeld,
      toppedUp: totals.toppedUp,
      charged: totals.charged,
      refunded: totals.refunded,
      adjustedUp: totals.adjustedUp,
      adjustedDown: totals.adjustedDown,
      generations: totals.generations,
      byStatus: byStatus || ctx.t('admin-none'),
      inFlight: totals.inFlight,
    }),
    '',
    ctx.t('admin-totals-hint'),
  ].join('\n');
}

/** One generation in two lines: what it is, then the ids to search by. */
export function renderGeneration(ctx: BotContext, g: GenerationSummary, withUser = false): string {
  const head = ctx.t('admin-generation-line', {
    date: dateFormat(ctx).format(g.createdAt),
    model: escapeHtml(g.modelId),
    status: g.status,
    price: g.price,
  });
  // What KIE charged next to what the user paid: the operator's margin per generation.
  const cost =
    g.kieCreditsConsumed === undefined
      ? ''
      : ` · ${ctx.t('admin-generation-kie-cost', { credits: g.kieCreditsConsumed })}`;
  const fail = g.failCode ? ` · ${ctx.t('admin-generation-fail', { code: escapeHtml(g.failCode) })}` : '';
  const user = withUser ? `${ctx.t('admin-generation-user', { user: String(g.userId) })} · ` : '';
  const ids = ctx.t('admin-generation-ids', {
    id: code(g.id, ctx),
    task: code(g.kieTaskId, ctx),
    trace: code(g.traceId, ctx),
  });
  return `${head}${cost}${fail}\n${user}${ids}`;
}

function renderLedgerEntry(ctx: BotContext, e: LedgerEntry): string {
  const note =
    e.operation === 'adjustment' && e.reason !== undefined
      ? ` · ${ctx.t('admin-ledger-reason', { reason: escapeHtml(clip(e.reason, MAX_REASON_SHOWN)), admin: String(e.adminId ?? '?') })}`
      : '';
  return ctx.t('admin-ledger-line', {
    date: dateFormat(ctx).format(e.createdAt),
    entry: String(e.id),
    operation: ctx.t(LEDGER_OPERATION_KEY[ledgerLabel(e)]),
    amount: signed(e.amount),
    balanceAfter: e.balanceAfter,
    note,
  });
}

/** `/admin user <id>`. */
export function renderUserReport(ctx: BotContext, report: UserReport): string {
  const { user } = report;
  const date = dateFormat(ctx);
  const lines = [
    ctx.t('admin-user-title', { id: String(user.id) }),
    ctx.t('admin-user-info', {
      language: user.language ?? ctx.t('admin-none'),
      firstSeen: date.format(user.firstSeenAt),
      lastSeen: date.format(user.lastSeenAt),
    }),
    ...(user.blocked ? [ctx.t('admin-user-blocked')] : []),
    ctx.t('admin-user-balance', { balance: report.balance }),
    '',
    ctx.t('admin-user-ledger-title'),
    ...(report.ledger.length ? report.ledger.map((e) => renderLedgerEntry(ctx, e)) : [ctx.t('admin-none')]),
    '',
    ctx.t('admin-user-generations-title'),
    ...(report.generations.length
      ? report.generations.map((g) => renderGeneration(ctx, g))
      : [ctx.t('admin-none')]),
  ];
  return lines.join('\n');
}

/** The answer to `/admin adjust …`. */
export function renderAdjusted(ctx: BotContext, result: AdjustResult): string {
  const { entry } = result;
  const args = { id: String(entry.userId), entry: String(entry.id), balance: entry.balanceAfter };
  if (result.replayed) return ctx.t('admin-adjust-replayed', args);
  return ctx.t('admin-adjusted', {
    ...args,
    amount: signed(entry.amount),
    reason: escapeHtml(entry.reason ?? ''),
  });
}

function renderKieCheck(ctx: BotContext, check: KieCheck): string {
  switch (check.kind) {
    case 'state': {
      const fail = check.failCode ?? check.failMsg;
      const detail = fail
        ? ctx.t('admin-recheck-kie-fail', {
            code: escapeHtml(check.failCode ?? ''),
            message: escapeHtml(clip(check.failMsg ?? '', MAX_FAIL_MSG)),
          })
        : ctx.t('admin-recheck-kie-results', { count: check.resultCount });
      return `${ctx.t('admin-recheck-kie-state', { state: escapeHtml(check.state) })} · ${detail}`;
    }
    case 'error':
      return ctx.t('admin-recheck-kie-error', { code: escapeHtml(check.code) });
    case 'not_created':
      return ctx.t('admin-recheck-kie-not-created');
    case 'dry_run':
      return ctx.t('admin-recheck-kie-dry-run');
    case 'unavailable':
      return ctx.t('admin-recheck-kie-unavailable');
  }
}

/** `/admin recheck …`. */
export function renderRecheck(ctx: BotContext, report: RecheckReport): string {
  const g = report.generation;
  const date = dateFormat(ctx);
  return [
    ctx.t('admin-recheck-title'),
    renderGeneration(ctx, g, true),
    ctx.t('admin-recheck-schedule', {
      attempts: g.pollAttempts,
      nextRun: date.format(g.nextRunAt),
      deadline: date.format(g.deadlineAt),
    }),
    renderKieCheck(ctx, report.kie),
    report.madeDue ? ctx.t('admin-recheck-due') : ctx.t('admin-recheck-settled', { status: g.status }),
  ].join('\n');
}

/** The in-flight or failed list behind the totals' buttons. */
export function renderGenerationList(
  ctx: BotContext,
  kind: GenerationListKind,
  list: readonly GenerationSummary[],
): string {
  const title = ctx.t(kind === 'in_flight' ? 'admin-list-in-flight-title' : 'admin-list-failed-title');
  const body = list.length
    ? list.map((g) => renderGeneration(ctx, g, true)).join('\n\n')
    : ctx.t('admin-none');
  return `${title}\n\n${body}`;
}

/** The answer to `/admin refund …`. */
export function renderRefunded(ctx: BotContext, result: StarsRefundResult): string {
  return ctx.t(result.outcome === 'refunded' ? 'admin-refunded' : 'admin-refund-already', {
    charge: escapeHtml(result.chargeId),
    id: String(result.userId),
    credits: result.credits,
    balance: result.balanceAfter,
    entry: String(result.entryId),
  });
}
