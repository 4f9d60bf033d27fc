/**
 * SQLSTATE classes of failures that say nothing about the query, only that the database could not
 * run it now: connection exceptions (08), transaction rollbacks such as serialization failures and
 * deadlocks (40), insufficient resources (53), operator intervention such as an admin shutdown or a
 * cancelled statement (57), system errors (58). https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/** Node's codes for a connection to the database that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * pg reports a socket closed under a query with a plain Error and no code, so this one is matched by
 * its fixed text (pg's own wording, not a server message).
 */
const PG_CONNECTION_LOST = /^Connection terminated( unexpectedly| due to connection timeout)?$/;

/** The SQLSTATE of a PostgreSQL error: pg's and PGlite's DatabaseError share the protocol's shape. */
export function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string'
    ? code
    : undefined;
}

/**
 * Whether the database failed for a reason that may be gone on the next try (an outage, a restart, a
 * deadlock), as opposed to a query the database refused (a constraint, a syntax error: a bug).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const state = sqlStateOf(error);
  if (state) return TRANSIENT_SQLSTATE_CLASSES.has(state.slice(0, 2));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // A pool that cannot connect to any address throws an AggregateError of the attempts.
  if (error instanceof AggregateError) return error.errors.some((e) => isTransientDatabaseError(e));
  return PG_CONNECTION_LOST.test(error.message);
}
