/**
 * Secret scrubbing shared by the logger, the span exporter and the log-record processor, so no
 * signal can bypass it. Exact values (the bot token, API keys) are registered at start-up; shapes
 * catch tokens we were never told about (e.g. a token pasted into a message).
 */
const REDACTED = '<redacted>';
const registered = new Set<string>();

const SHAPES: ReadonlyArray<[RegExp, string]> = [
  // A Bot API URL path segment: /bot123456:AA…/sendMessage
  [/bot\d{3,}:[A-Za-z0-9_-]{20,}/g, `bot${REDACTED}`],
  // A bare bot token anywhere.
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}/g, REDACTED],
  // Bearer credentials in echoed headers or error text.
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
];

/**
 * Short strings already found clean. Most span attributes repeat on every update (the update type,
 * the method, the parameterised SQL), and scanning each for every secret and shape was most of the
 * redaction cost per update (npm run bench's profile). Only clean strings are kept, so no secret
 * stays here; bounded; forgotten when a secret is added.
 */
const clean = new Set<string>();
const CLEAN_MAX_ENTRIES = 4_096;
const CLEAN_MAX_LENGTH = 1_024;

/** Registers an exact secret value; values shorter than 6 characters are ignored as too ambiguous. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6 && !registered.has(value)) {
    registered.add(value);
    clean.clear();
  }
}

/** Cheap pre-check: every shape above contains a digit followed by ':' or the word bearer. */
const MAYBE_SHAPED = /\d:|bearer/i;

/** Returns the text with every registered secret and token-shaped string replaced. */
export function redact(text: string): string {
  if (clean.has(text)) return text;
  const out = scrub(text);
  if (out === text && text.length <= CLEAN_MAX_LENGTH) {
    if (clean.size >= CLEAN_MAX_ENTRIES) clean.clear();
    clean.add(text);
  }
  return out;
}

function scrub(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  // Runs for every span attribute and log field: skip the regexes when no shape can match.
  if (!MAYBE_SHAPED.test(out)) return out;
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts strings inside any JSON-like value (arrays and plain objects), leaving other types alone. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redact(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1)) as T;
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, depth + 1);
  return out as T;
}

/** For tests: forget registered secrets. */
export function clearRegisteredSecrets(): void {
  registered.clear();
  clean.clear();
}
