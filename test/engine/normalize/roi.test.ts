import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blendCorrection, ellipseMask, maskBounds, rectMask } from '../../../electron/engine/normalize/roi';

test('rectMask: 1 inside, smooth fall-off over the feather, exactly 0 beyond', () => {
  const m = rectMask(100, 60, [{ x: 20, y: 10, w: 30, h: 20 }], 10);
  const at = (x: number, y: number) => m.data[y * 100 + x];
  assert.equal(at(25, 15), 1);
  assert.equal(at(49, 29), 1);
  assert.ok(at(54, 20) > 0 && at(54, 20) < 1);
  assert.ok(at(52, 20) > at(56, 20));
  assert.equal(at(61, 20), 0);
  assert.equal(at(90, 50), 0);
  const hard = rectMask(100, 60, [{ x: 20, y: 10, w: 30, h: 20 }], 0);
  assert.equal(hard.data.reduce((a, b) => a + b, 0), 600);
});

test('several rectangles combine; bounds and bad rectangles', () => {
  const m = rectMask(50, 50, [{ x: 0, y: 0, w: 5, h: 5 }, { x: 40, y: 40, w: 10, h: 10 }], 0);
  assert.deepEqual(maskBounds(m), { x: 0, y: 0, w: 50, h: 50 });
  assert.throws(() => rectMask(50, 50, [{ x: 60, y: 0, w: 5, h: 5 }], 0), /outside the 50x50 photo/);
  assert.throws(() => rectMask(50, 50, [{ x: 0, y: 0, w: 0, h: 5 }], 0), /positive/);
  assert.equal(maskBounds(rectMask(10, 10, [], 0)), undefined);
});

test('ellipseMask uses the same mask API', () => {
  const m = ellipseMask(40, 40, [{ cx: 20, cy: 20, rx: 10, ry: 5 }], 4);
  assert.equal(m.data[20 * 40 + 20], 1);
  assert.equal(m.data[20 * 40 + 38], 0);
  assert.ok(m.data[20 * 40 + 31] > 0 && m.data[20 * 40 + 31] < 1);
});

test('blendCorrection: strength and mask interpolate between original and corrected', () => {
  const o = { width: 2, height: 1, data: new Float32Array([0, 0, 0, 0.2, 0.2, 0.2]) };
  const c = () => ({ width: 2, height: 1, data: new Float32Array([1, 1, 1, 0.6, 0.6, 0.6]) });
  assert.deepEqual(Array.from(blendCorrection(o, c(), { strength: 0 }).data), Array.from(o.data));
  assert.deepEqual(Array.from(blendCorrection(o, c(), { strength: 1 }).data), Array.from(c().data));
  const half = blendCorrection(o, c(), { strength: 0.5, mask: { width: 2, height: 1, data: new Float32Array([1, 0]) } });
  assert.deepEqual(Array.from(half.data), [0.5, 0.5, 0.5, 0.2, 0.2, 0.2].map(Math.fround));
});
