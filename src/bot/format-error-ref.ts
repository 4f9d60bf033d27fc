import { escapeHtml } from './escape-html.ts';

/** How the message that shows a reference is parsed: Telegram HTML, or plain text (alerts, callback answers). */
export type ErrorRefFormat = 'html' | 'plain';

/**
 * The error reference as users and admins see it: the value of `error-reference`'s `$ref`. Every
 * place that shows a reference renders it here, so a change of its display is one edit. In HTML it
 * sits in <code>, so one tap copies it for support; plain text cannot, so it is shown as it is.
 */
export function formatErrorRef(ref: string, format: ErrorRefFormat = 'html'): string {
  return format === 'html' ? `<code>${escapeHtml(ref)}</code>` : ref;
}
