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

// Database queries (src/db/traced-dialect.ts): an event per query on the span that ran it.
export const EVENT_PG_QUERY = 'pg.query';
export const SPAN_PG_QUERY = 'pg.query';
/** Milliseconds the query took, on its event (semantic conventions have a metric for it, no key). */
export const ATTR_PG_QUERY_DURATION_MS = 'pg.query.duration_ms';

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
/** One per recordInfo / Suno record-info call: `kie.model`, `kie.task.state` (when answered), `outcome`. */
export const METRIC_KIE_POLLS = 'kie.polls';
/** One per failed KIE HTTP exchange (retried ones included): `kie.operation`, `kie.api`, `error.type`. */
export const METRIC_KIE_API_ERRORS = 'kie.api.errors';
/** Which KIE API a call went to: `market` (jobs), `suno` / `veo` (own endpoints) or `file` (the upload host). */
export const ATTR_KIE_API = 'kie.api';
/** Suno's raw record-info `status` (PENDING, TEXT_SUCCESS…), next to the normalised `kie.task.state`. */
export const ATTR_KIE_SUNO_STATUS = 'kie.suno.status';
/** Veo's raw record-info `successFlag` (0 running, 1 success, 2 failed, 3 upstream failed, kie-api.md §8). */
export const ATTR_KIE_VEO_SUCCESS_FLAG = 'kie.veo.success_flag';
/** A user file handed to KIE's upload host (kie-api.md §1); sizes only, never the content or its URL. */
export const SPAN_KIE_FILE_UPLOAD = 'kie.file.upload';
export const ATTR_KIE_FILE_MIME_TYPE = 'kie.file.mime_type';
export { ATTR_FILE_SIZE, ATTR_HTTP_REQUEST_BODY_SIZE } from '@opentelemetry/semantic-conventions/incubating';
export const METRIC_KIE_TASKS = 'kie.tasks';
export const METRIC_KIE_TASK_DURATION = 'kie.task.duration';
export const METRIC_KIE_TASKS_IN_FLIGHT = 'kie.tasks.in_flight';
/** What KIE reports it charged for a task (`consumeCredits` / `creditsConsumed`, kie-api.md §5, §11), in KIE credits. */
export const ATTR_KIE_CREDITS_CONSUMED = 'kie.credits.consumed';
/** KIE credits charged, counted once per generation when its cost becomes known: `kie.model`. */
export const METRIC_KIE_CREDITS_CONSUMED = 'kie.credits.consumed';
/** What a callback did: `woken` (its running task polls now), `adopted`, `settled` (already ended), `unmatched`. */
export const ATTR_KIE_CALLBACK_OUTCOME = 'kie.callback.outcome';
export const ATTR_BOT_GENERATION_STATUS = 'bot.generation.status';
export const ATTR_BOT_GENERATION_PRICE = 'bot.generation.price';
export const ATTR_BOT_MODEL_ID = 'bot.model.id';
/** DRY_RUN=true: KIE was not called and nothing was charged. */
export const ATTR_BOT_DRY_RUN = 'bot.dry_run';
/** One delivery of a result to Telegram (by URL, then by upload). */
export const SPAN_GENERATION_DELIVER = 'bot.generation.deliver';
export const ATTR_BOT_DELIVERY_METHOD = 'bot.delivery.method';
// Log fields of the generation flow (Loki queries them).
export const LOG_MODEL_ID = 'model_id';
export const LOG_TASK_ID = 'task_id';
export const LOG_GENERATION_ID = 'generation_id';
/** One step of a durable generation (create, poll, refund), a child of the confirming update's trace. */
export const SPAN_GENERATION_STEP = 'bot.generation.step';
/** Telling the user how a generation that ended badly ended (retried until Telegram takes it). */
export const SPAN_GENERATION_NOTIFY = 'bot.generation.notify';
export const ATTR_BOT_NOTICE_ATTEMPT = 'bot.notice.attempt';

// Admin commands (ADMIN_IDS only): one span per action, `bot.admin.{action}`; free text never goes here.
export const SPAN_ADMIN_PREFIX = 'bot.admin';
/** `totals`, `user`, `adjust`, `recheck` or `list`. */
export const ATTR_BOT_ADMIN_ACTION = 'bot.admin.action';
/** The admin's Telegram id; `enduser.id` is the user the action concerns. */
export const ATTR_BOT_ADMIN_ID = 'bot.admin.id';
/** Re-check: whether the generation was made due so the worker polls it at once. */
export const ATTR_BOT_ADMIN_MADE_DUE = 'bot.admin.made_due';
export const LOG_ADMIN_ID = 'admin_id';

export { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
// LLM calls (OpenTelemetry GenAI conventions; the gen_ai.* keys are imported where semconv has them).
export {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '@opentelemetry/semantic-conventions/incubating';
/** Provider credits a call cost (`usage.cost`); GenAI conventions have no key for it. */
export const ATTR_LLM_COST = 'llm.cost';
/** The upstream that served an OpenRouter call (response `provider`). */
export const ATTR_LLM_UPSTREAM_PROVIDER = 'llm.upstream_provider';
/** HTTP attempts one logical call took (retries included). */
export const ATTR_LLM_ATTEMPTS = 'llm.attempts';
/** Event on a chat span whose caller aborted it in flight (not an error: the status stays UNSET). */
export const EVENT_LLM_ABORTED = 'aborted';
/** Why the caller aborted: the error.type of the failure that stopped the job, or `shutdown`. */
export const ATTR_LLM_ABORT_REASON = 'llm.abort.reason';
/** Provider credits spent, by model: not a semconv metric yet, named in the gen_ai.client family. */
export const METRIC_GEN_AI_CLIENT_COST = 'gen_ai.client.cost';

// Protocol jobs: one `protocol.job` span, a `chat {model}` child per segment and one for the synthesis.
export const SPAN_PROTOCOL_JOB = 'protocol.job';
/** Telling the user a protocol failed and was refunded (retried until Telegram takes it). */
export const SPAN_PROTOCOL_NOTIFY = 'protocol.notify';
export const ATTR_PROTOCOL_JOB_ID = 'protocol.job.id';
export const ATTR_PROTOCOL_SEGMENTS = 'protocol.segments';
export const ATTR_PROTOCOL_CONCURRENCY = 'protocol.concurrency';
/** The segment a chat span processed; -1 for the synthesis. */
export const ATTR_PROTOCOL_SEGMENT_INDEX = 'protocol.segment.index';
/** Why a job run stopped before its end: the error.type of the failure that stopped it, or `shutdown`. */
export const ATTR_PROTOCOL_ABORT_REASON = 'protocol.abort.reason';
/** How many times the job was resumed after a restart (0 on its first run). */
export const ATTR_PROTOCOL_RESUMES = 'protocol.resumes';
export const METRIC_PROTOCOL_JOBS = 'protocol.jobs';
export const METRIC_PROTOCOL_SEGMENTS = 'protocol.segments';
export const LOG_JOB_ID = 'job_id';

// Stars reconciliation: one `billing.reconcile` span per pass over getStarTransactions.
export const SPAN_BILLING_RECONCILE = 'billing.reconcile';
/** Transactions read in the pass. */
export const ATTR_BILLING_RECONCILE_SCANNED = 'billing.reconcile.scanned';
/** Payments the pass credited (each had no ledger entry). */
export const ATTR_BILLING_RECONCILE_CREDITED = 'billing.reconcile.credited';
/** getStarTransactions pages read. */
export const ATTR_BILLING_RECONCILE_PAGES = 'billing.reconcile.pages';
/** Payments credited by reconciliation rather than by their successful_payment update. */
export const METRIC_BILLING_RECONCILED = 'billing.reconciled';
/** The Telegram payment charge id a log line is about. */
export const LOG_CHARGE_ID = 'telegram_payment_charge_id';

// KIE account balance: a periodic GET /api/v1/chat/credit (free), one check per instance per interval.
/** One balance check: `kie.account.credits` on success; ERROR with `error.type` when KIE did not answer. */
export const SPAN_KIE_BALANCE_CHECK = 'kie.balance.check';
/** KIE credits left, as of this instance's last successful check; absent (not zero) while checks fail. */
export const METRIC_KIE_ACCOUNT_CREDITS = 'kie.account.credits';
/** KIE_BALANCE_ALERT_BELOW, exported next to the balance so the alert reads the threshold from one place. */
export const METRIC_KIE_ACCOUNT_CREDITS_ALERT_BELOW = 'kie.account.credits.alert_below';
/** One per balance check: `outcome` (`ok`, `error`). */
export const METRIC_KIE_BALANCE_CHECKS = 'kie.balance.checks';
/** Balance as a span attribute of `kie.balance.check` (same key as the gauge). */
export const ATTR_KIE_ACCOUNT_CREDITS = 'kie.account.credits';

// Revenue and SLO signals of generations.
/** User credits of finished paid generations: `kie.model`, `bot.model.id`, `outcome` (`ok` kept = revenue). */
export const METRIC_BOT_GENERATION_CREDITS = 'bot.generation.credits';
/**
 * Who ended a generation badly, on `kie.tasks`: `none` (delivered or cancelled), `kie` (KIE failed a task
 * it had accepted: refunded, not our failure), `bot` (create refused, deadline passed, delivery failed).
 */
export const ATTR_BOT_GENERATION_FAULT = 'bot.generation.fault';
/** A call's cost under the key LLM tools read (OpenLLMetry, Langfuse, OpenLIT), next to `llm.cost`. */
export const ATTR_GEN_AI_USAGE_COST = 'gen_ai.usage.cost';
