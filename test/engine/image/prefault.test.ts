import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { reserveFloats, SLICE } from '../../../electron/engine/image/prefault';

test('a reservation hands over its array for the size it was made for, a fresh one otherwise', async () => {
  const r = reserveFloats(3 * 1000 * 1000);
  await nextTurn();
  const a = r.take(3 * 1000 * 1000);
  assert.equal(a.length, 3e6);
  assert.ok(a.every((v) => v === 0));
  // once taken, it is gone: a second take allocates
  assert.notEqual(r.take(3e6), a);

  const other = reserveFloats(12);
  const b = other.take(9); // 25 % smaller: not worth keeping the reservation alive
  assert.equal(b.length, 9);
  assert.equal(b.buffer.byteLength, 36);
  const near = reserveFloats(100);
  const v = near.take(93); // a visible area inside the sensor size: a view of the reservation
  assert.equal(v.length, 93);
  assert.equal(v.buffer.byteLength, 400);
  const stopped = reserveFloats(12);
  stopped.stop();
  assert.equal(stopped.take(12).length, 12);
  assert.equal(reserveFloats(0).take(0).length, 0);
});

test('pages are touched one slice per event-loop turn, and stop() ends it', async () => {
  const n = 2 * SLICE + 5;
  const r = reserveFloats(n);
  assert.equal(r.touched(), 0, 'nothing synchronous: the caller returns at once');
  await nextTurn();
  assert.equal(r.touched(), SLICE);
  await nextTurn();
  await nextTurn();
  await nextTurn();
  assert.equal(r.touched(), n);

  const s = reserveFloats(n);
  await nextTurn();
  s.stop();
  await nextTurn();
  await nextTurn();
  assert.equal(s.touched(), SLICE);
});
