import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EvenlightError, errorMessage, fromAbortError, fromNodeError, isCancelled, throwIfAborted, toEvenlightError } from '../../electron/engine/errors';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: something`), { code });

test('EvenlightError carries code and file; the message is one line naming the file', () => {
  const e = new EvenlightError('DECODE_FAILED', '/a b/é.jpg', 'cannot decode:\n  bad\tdata ');
  assert.equal(e.code, 'DECODE_FAILED');
  assert.equal(e.file, '/a b/é.jpg');
  assert.equal(e.message, '/a b/é.jpg: cannot decode: bad data');
  assert.equal(e.name, 'EvenlightError');
  assert.ok(e instanceof Error);
  assert.equal(new EvenlightError('CANCELLED', '', 'cancelled').message, 'cancelled');
});

test('Node errno codes map onto ours, differently for reading and writing', () => {
  assert.equal(fromNodeError(errno('ENOENT'), '/x')?.code, 'NOT_FOUND');
  assert.equal(fromNodeError(errno('ENOENT'), '/x', true)?.code, 'OUTPUT_UNWRITABLE');
  assert.equal(fromNodeError(errno('EACCES'), '/x')?.code, 'PERMISSION');
  assert.equal(fromNodeError(errno('EACCES'), '/x', true)?.message, '/x: cannot write: permission denied');
  assert.equal(fromNodeError(errno('ENOTDIR'), '/x', true)?.code, 'OUTPUT_UNWRITABLE');
  assert.equal(fromNodeError(errno('ENOSPC'), '/x', true)?.message, '/x: cannot write: no space left on device');
  assert.equal(fromNodeError(errno('EWEIRD'), '/x'), undefined);
});

test('toEvenlightError keeps ours and wraps the rest', () => {
  const ours = new EvenlightError('EMPTY', '/f', 'file is empty');
  assert.equal(toEvenlightError(ours, '/g'), ours);
  const wrapped = toEvenlightError(new Error('libfoo: kaputt\nbacktrace'), '/f');
  assert.equal(wrapped.code, 'DECODE_FAILED');
  assert.equal(wrapped.message, '/f: libfoo: kaputt backtrace');
  assert.equal(toEvenlightError(errno('ENOENT'), '/f').code, 'NOT_FOUND');
});

test('errorMessage does not name the file twice', () => {
  assert.equal(errorMessage(new Error('cannot open /p/x.jpg'), '/p/x.jpg'), 'cannot open /p/x.jpg');
  assert.equal(errorMessage(new Error('bad'), '/p/x.jpg'), '/p/x.jpg: bad');
  assert.equal(errorMessage(new EvenlightError('EMPTY', '/p/y.jpg', 'file is empty'), '/p/other.jpg'), '/p/y.jpg: file is empty');
});

test('cancellation helpers', () => {
  const ac = new AbortController();
  assert.doesNotThrow(() => throwIfAborted(ac.signal, '/f'));
  ac.abort();
  assert.throws(() => throwIfAborted(ac.signal, '/f'), (e: unknown) => isCancelled(e) && (e as Error).message === '/f: cancelled');
  // one dialect: a DOM AbortError is ours only once converted at the edge
  const abort = Object.assign(new Error('x'), { name: 'AbortError' });
  assert.ok(!isCancelled(abort));
  assert.ok(isCancelled(fromAbortError(abort)));
  assert.equal(toEvenlightError(abort, '/f').message, '/f: cancelled');
  assert.ok(!isCancelled(new Error('x')));
});
