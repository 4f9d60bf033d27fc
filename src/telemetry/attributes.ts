/**
 * Our own span names, attribute keys and metric names. Semantic-convention keys are imported from
 * @opentelemetry/semantic-conventions, never retyped. The README's telemetry table mirrors this file;
 * dashboards and alerts depend on these names, so change them only on purpose.
 */

export {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_TYPE,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
export { ATTR_ENDUSER_ID } from '@opentelemetry/semantic-conventions/incubating';

/** Instrumentation scope name for every tracer and meter of the app. */
export const INSTRUMENTATION_SCOPE = 'tg-genbot';

// Span names: low cardinality, ids never go here.
export const SPAN_BOT_UPDATE = 'bot.update';
export const SPAN_TELEGRAM_API = 'telegram.api';

// Update attributes.
export const ATTR_TELEGRAM_UPDATE_ID = 'telegram.update.id';
export const ATTR_TELEGRAM_UPDATE_TYPE = 'telegram.update.type';
export const ATTR_TELEGRAM_CHAT_ID = 'telegram.chat.id';
export const ATTR_TELEGRAM_CHAT_TYPE = 'telegram.chat.type';
export const ATTR_TELEGRAM_USER_LANGUAGE = 'telegram.user.language';
export const ATTR_BOT_COMMAND = 'bot.command';
export const ATTR_BOT_CALLBACK_ACTION = 'bot.callback.action';
export const ATTR_BOT_FEATURE = 'bot.feature';
export const ATTR_BOT_UPDATE_DUPLICATE = 'bot.update.duplicate';
export const ATTR_BOT_ERROR_REF = 'bot.error.ref';
export const ATTR_BOT_MODE = 'bot.mode';

// Bot API call attributes and events.
export const ATTR_TELEGRAM_API_METHOD = 'telegram.api.method';
export const ATTR_TELEGRAM_API_OK = 'telegram.api.ok';
export const ATTR_TELEGRAM_API_ERROR_CODE = 'telegram.api.error_code';
export const ATTR_TELEGRAM_API_DESCRIPTION = 'telegram.api.description';
export const ATTR_TELEGRAM_API_RETRY_AFTER = 'telegram.api.retry_after';
export const ATTR_TELEGRAM_API_ATTEMPT = 'telegram.api.attempt';
/** One event per attempt after the first: auto-retry resent the call. */
export const EVENT_TELEGRAM_API_RETRY = 'retry';

/** Low-cardinality result of an operation, used on metrics. */
export const ATTR_OUTCOME = 'outcome';
export type Outcome = 'ok' | 'error' | 'refunded' | 'cancelled' | 'timeout' | 'duplicate' | 'ignored';

// Metric names (OTel form; Prometheus adds _total / unit suffixes).
export const METRIC_BOT_UPDATES = 'bot.updates';
export const METRIC_BOT_UPDATE_DURATION = 'bot.update.duration';
export const METRIC_TELEGRAM_API_CALLS = 'telegram.api.calls';
export const METRIC_BOT_ERRORS = 'bot.errors';

// Log fields (JSON keys); trace_id / span_id / trace_flags come from the OTel winston instrumentation.
export const LOG_USER_ID = 'user_id';
export const LOG_CHAT_ID = 'chat_id';
export const LOG_UPDATE_ID = 'update_id';
export const LOG_ERROR_CODE = 'error_code';
export const LOG_ERROR_REF = 'error_ref';

// Billing (the ledger): one span per operation, `billing.{operation}`.
export const SPAN_BILLING_PREFIX = 'billing';
export const ATTR_BILLING_OPERATION = 'billing.operation';
export const ATTR_BILLING_AMOUNT = 'billing.amount';
export const ATTR_BILLING_BALANCE_AFTER = 'billing.balance_after';
export const ATTR_BILLING_IDEMPOTENCY_KEY = 'billing.idempotency_key';
export const METRIC_BILLING_CREDITS = 'billing.credits';

// KIE generation API.
export const SPAN_KIE_TASK_CREATE = 'kie.task.create';
export const SPAN_KIE_TASK_POLL = 'kie.task.poll';
export const SPAN_KIE_TASK_CALLBACK = 'kie.task.callback';
export const ATTR_KIE_MODEL = 'kie.model';
export const ATTR_KIE_TASK_ID = 'kie.task.id';
export const ATTR_KIE_TASK_STATE = 'kie.task.state';
export const ATTR_KIE_POLL_ATTEMPT = 'kie.poll.attempt';
export const ATTR_KIE_QUEUE_WAIT_MS = 'kie.queue.wait_ms';
export const ATTR_KIE_OPERATION = 'kie.operation';
export const ATTR_KIE_CODE = 'kie.code';
export const ATTR_BOT_GENERATION_ID = 'bot.generation.id';
export const METRIC_KIE_QUEUE_WAIT = 'kie.queue.wait';
/** One step of a durable generation (create, poll, refund), a child of the confirming update's trace. */
export const SPAN_GENERATION_STEP = 'bot.generation.step';
