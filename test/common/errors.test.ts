// One error type and one set of codes for every layer; errors keep code, file and message
// across a thread hop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EvenlightError, errorRecord, isCancelled, resultCode, reviveError } from '../../electron/common/errors';

test('an EvenlightError survives a structured clone with its code, file and message', () => {
  const e = new EvenlightError('TRUNCATED', '/p/a.jpg', 'file is truncated');
  const back = reviveError(structuredClone(errorRecord(e)));
  assert.ok(back instanceof EvenlightError);
  assert.equal(back.code, 'TRUNCATED');
  assert.equal(back.file, '/p/a.jpg');
  assert.equal(back.message, '/p/a.jpg: file is truncated');
  assert.ok(isCancelled(reviveError(errorRecord(new EvenlightError('CANCELLED', '', 'cancelled')))));
  const plain = reviveError(errorRecord(new TypeError('boom')));
  assert.ok(!(plain instanceof EvenlightError));
  assert.equal(plain.message, 'boom');
  assert.equal(plain.name, 'TypeError');
});

test('a UI is told result codes; other engine codes arrive as FAILED', () => {
  assert.equal(resultCode('CANCELLED'), 'CANCELLED');
  assert.equal(resultCode('NOT_FOUND'), 'NOT_FOUND');
  assert.equal(resultCode('ACCESS_DENIED'), 'ACCESS_DENIED');
  assert.equal(resultCode('TRUNCATED'), 'FAILED');
});
