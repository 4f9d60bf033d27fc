import pg from 'pg';

/**
 * The error pg throws when the server is restarted under a query (57P01 admin_shutdown), as the
 * driver builds it: what a database blip looks like to the code above it.
 */
export function databaseBlip(): Error {
  const error = new pg.DatabaseError('terminating connection due to administrator command', 0, 'error');
  error.code = '57P01';
  error.severity = 'FATAL';
  return error;
}
