import { type Attributes, type Span, SpanKind } from '@opentelemetry/api';
import { ATTR_BOT_ADMIN_ACTION, ATTR_BOT_ADMIN_ID, SPAN_ADMIN_PREFIX } from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import { AdminActionError } from './admin-errors.ts';

/** What an admin can do; each is one `bot.admin.{action}` span. */
export type AdminAction = 'totals' | 'user' | 'adjust' | 'recheck' | 'list' | 'refund';

/**
 * Runs one admin action in its `bot.admin.{action}` span, and refuses anyone not in `admins` inside
 * it, so the refusal is traced too and a caller that forgets to check cannot act.
 */
export function traceAdminAction<T>(
  admins: ReadonlySet<number>,
  action: AdminAction,
  adminId: number,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return withSpan(
    `${SPAN_ADMIN_PREFIX}.${action}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { [ATTR_BOT_ADMIN_ACTION]: action, [ATTR_BOT_ADMIN_ID]: String(adminId), ...attributes },
    },
    async (span) => {
      if (!admins.has(adminId)) throw new AdminActionError('admin.forbidden');
      return fn(span);
    },
  );
}
