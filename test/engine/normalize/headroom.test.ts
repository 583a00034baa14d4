import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLinearGain, headroomScale, linearGainCurve } from '../../../electron/engine/normalize/headroom';
import { srgbToLinearExact } from '../../../electron/engine/image/srgb';

function flat(n: number, v: number): Float32Array {
  return new Float32Array(n * 3).fill(v);
}

test('photos without headroom pass unchanged (gain 1)', () => {
  assert.equal(headroomScale({ width: 4, height: 4, data: flat(16, 0.9) }), 1);
  assert.equal(applyLinearGain(0.37, 1), 0.37);
});

test('the 99.9th percentile of the brightest channel lands at 1 in linear light', () => {
  const n = 10_000;
  const data = flat(n, 0.5);
  // 2 % of pixels at 2.0 (a sky): far above the 0.1 % tail, so they set the scale
  for (let i = 0; i < n * 0.02; i++) data[i * 3 + 2] = 2;
  const gain = headroomScale({ width: 100, height: 100, data });
  assert.ok(Math.abs(gain - 1 / srgbToLinearExact(2)) / gain < 0.002, `gain ${gain}`);
  assert.ok(Math.abs(applyLinearGain(2, gain) - 1) < 1e-3);
  // mid-tones are darkened by the same linear factor
  assert.ok(Math.abs(srgbToLinearExact(applyLinearGain(0.5, gain)) / srgbToLinearExact(0.5) - gain) < 1e-3);
});

test('a few hot pixels beyond the 0.1 % tail do not darken the photo', () => {
  const n = 100_000;
  const data = flat(n, 0.5);
  for (let i = 0; i < 20; i++) data[i * 3] = 50; // 0.02 % specular highlights
  assert.equal(headroomScale({ width: 1000, height: 100, data }), 1);
});

test('linearGainCurve matches applyLinearGain within 1e-5, inside the table and beyond it', () => {
  for (const gain of [1, 0.9, 0.5, 0.21, 0.05]) {
    const g = linearGainCurve(gain);
    let worst = 0;
    for (let i = -20; i <= 40000; i++) {
      const v = i / 10000; // -0.002 .. 4: negatives, the table, and past its end
      worst = Math.max(worst, Math.abs(g(v) - applyLinearGain(v, gain)));
    }
    assert.ok(worst < 1e-5, `gain ${gain}: worst error ${worst}`);
  }
});
