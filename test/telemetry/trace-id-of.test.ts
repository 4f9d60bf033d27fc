import assert from 'node:assert/strict';
import { it } from 'node:test';
import { traceIdOf } from '../../src/telemetry/trace-id-of.ts';

it('traceIdOf reads the trace id of a W3C traceparent', () => {
  assert.equal(
    traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
    '4bf92f3577b34da6a3ce929d0e0e4736',
  );
  assert.equal(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01'), undefined);
  assert.equal(traceIdOf('garbage'), undefined);
  assert.equal(traceIdOf(null), undefined);
});
