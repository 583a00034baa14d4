import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearToSrgb, linearToSrgbExact, linearToSrgbLut, srgbToLinear, srgbToLinearExact } from '../../../electron/engine/image/srgb';

test('table transfer functions stay within one 16-bit code value of the formula', () => {
  let e1 = 0;
  let e2 = 0;
  for (let i = 0; i <= 200000; i++) {
    const v = i / 200000;
    e1 = Math.max(e1, Math.abs(srgbToLinear(v) - srgbToLinearExact(v)));
    e2 = Math.max(e2, Math.abs(linearToSrgb(v) - linearToSrgbExact(v)));
  }
  assert.ok(e1 < 1 / 65535 && e2 < 1 / 65535, `errors ${e1} ${e2}`);
  assert.equal(srgbToLinear(2), srgbToLinearExact(2), 'headroom uses the formula');
  assert.ok(Math.abs(linearToSrgb(srgbToLinear(0.5)) - 0.5) < 2e-5);
  assert.ok(srgbToLinear(-0.1) < 0);
});

test('the RAW table is the exact sRGB curve on codes, 0 below black and unclipped above 1', () => {
  const lut = linearToSrgbLut(1000, 2);
  assert.equal(lut[0], 0);
  assert.ok(Math.abs(lut[500] - 1) < 1e-6); // code 500 × gain 2 = linear 1
  assert.ok(Math.abs(lut[90] - 0.4613561) < 1e-6); // linear 0.18
  assert.ok(lut[1000] > lut[750] && lut[750] > 1);
  assert.equal(linearToSrgbLut(10, -1)[5], 0);
});
