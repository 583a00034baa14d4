import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearToSrgb, linearToSrgbExact, srgbToLinear, srgbToLinearExact } from '../../../electron/engine/image/srgb';

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
