import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrammyError, HttpError } from 'grammy';
import pg from 'pg';
import { ValidationError } from '../../src/errors/app-error.ts';
import { classifyError, isInfrastructureFailure } from '../../src/errors/classify-error.ts';
import { isTransientDatabaseError } from '../../src/errors/database-errors.ts';
import { databaseBlip } from '../support/database-blip.ts';

const pgError = (code: string) => {
  const error = new pg.DatabaseError('message', 0, 'error');
  error.code = code;
  error.severity = 'ERROR';
  return error;
};

describe('database and infrastructure failures', () => {
  it('tells an outage, a restart or a deadlock from a query the database refused', () => {
    for (const code of ['57P01', '08006', '08001', '40001', '40P01', '53300', '57014']) {
      assert.equal(isTransientDatabaseError(pgError(code)), true, code);
    }
    for (const code of ['23505', '23514', '42601', '22P02']) {
      assert.equal(isTransientDatabaseError(pgError(code)), false, code);
    }
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    assert.equal(isTransientDatabaseError(refused), true);
    assert.equal(isTransientDatabaseError(new AggregateError([refused], '')), true);
    assert.equal(isTransientDatabaseError(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isTransientDatabaseError(new Error('Connection terminated by the user code')), false);
    assert.equal(isTransientDatabaseError(new Error('boom')), false);
    assert.equal(isTransientDatabaseError('57P01'), false);
  });

  it('classifies a database blip as db.unavailable with the network message and its SQLSTATE', () => {
    const classified = classifyError(databaseBlip());
    assert.equal(classified.code, 'db.unavailable');
    assert.equal(classified.userMessageKey, 'error-network');
    assert.equal(classified.retryable, true);
    assert.deepEqual(classified.details, { db_code: '57P01' });
    assert.equal(classifyError(pgError('23505')).code, 'internal', 'a constraint violation is a bug');
  });

  it('counts Telegram unreachable or 5xx and a database blip as infrastructure, not refusals or bugs', () => {
    const grammy = (code: number) =>
      new GrammyError('call failed', { ok: false, error_code: code, description: 'x' }, 'sendMessage', {});
    assert.equal(isInfrastructureFailure(new HttpError('Network request failed', new Error('reset'))), true);
    assert.equal(isInfrastructureFailure(grammy(502)), true);
    assert.equal(isInfrastructureFailure(databaseBlip()), true);
    assert.equal(isInfrastructureFailure(grammy(400)), false);
    assert.equal(isInfrastructureFailure(grammy(429)), false);
    assert.equal(isInfrastructureFailure(new ValidationError('error-validation')), false);
    assert.equal(isInfrastructureFailure(new Error('bug')), false);
  });
});
