import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdminCommand } from '../../../../src/bot/features/admin/parse-admin-command.ts';
import { ValidationError } from '../../../../src/errors/app-error.ts';

const usage = (args: string) => {
  try {
    parseAdminCommand(args);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.userMessageKey;
  }
  return assert.fail(`"${args}" parsed`);
};

describe('parseAdminCommand', () => {
  it('parses every subcommand', () => {
    assert.deepEqual(parseAdminCommand(''), { kind: 'totals' });
    assert.deepEqual(parseAdminCommand('  HELP '), { kind: 'help' });
    assert.deepEqual(parseAdminCommand('user 123456789'), { kind: 'user', userId: 123456789 });
    assert.deepEqual(parseAdminCommand('123456789'), { kind: 'user', userId: 123456789 });
    assert.deepEqual(parseAdminCommand('adjust 42 +50  refund  for #7\nsecond line '), {
      kind: 'adjust',
      userId: 42,
      amount: 50,
      reason: 'refund  for #7\nsecond line',
    });
    assert.deepEqual(parseAdminCommand('adjust 42 -3 x'), {
      kind: 'adjust',
      userId: 42,
      amount: -3,
      reason: 'x',
    });
    assert.deepEqual(parseAdminCommand('recheck task_abc-123'), { kind: 'recheck', ref: 'task_abc-123' });
    assert.deepEqual(parseAdminCommand('refund  stxAbC-12_3 '), { kind: 'refund', chargeId: 'stxAbC-12_3' });
  });

  it('answers bad input with the usage of the subcommand that was meant', () => {
    assert.equal(usage('user'), 'admin-usage-user');
    assert.equal(usage('user @bob'), 'admin-usage-user');
    assert.equal(usage('user 0'), 'admin-usage-user');
    assert.equal(usage('user 1 2'), 'admin-usage-user');
    assert.equal(usage('adjust 42 +50'), 'admin-usage-adjust');
    assert.equal(usage('adjust 42 0 reason'), 'admin-usage-adjust');
    assert.equal(usage('adjust 42 1.5 reason'), 'admin-usage-adjust');
    assert.equal(usage('adjust 42 ten reason'), 'admin-usage-adjust');
    assert.equal(usage('adjust 42 99999999999999999 reason'), 'admin-usage-adjust');
    assert.equal(usage('adjust bob +5 reason'), 'admin-usage-adjust');
    assert.equal(usage('recheck'), 'admin-usage-recheck');
    assert.equal(usage('recheck <b>'), 'admin-usage-recheck');
    assert.equal(usage('refund'), 'admin-usage-refund');
    assert.equal(usage('refund stx1 stx2'), 'admin-usage-refund');
    assert.equal(usage('refund <i>stx</i>'), 'admin-usage-refund');
    assert.equal(usage('delete everything'), 'admin-usage');
  });
});
