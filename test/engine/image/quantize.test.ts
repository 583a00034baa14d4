import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatToU16, floatToU8, rgbFloatToRgba8, to8bit } from '../../../electron/engine/image/quantize';

test('one quantiser: rounds, clips headroom and negatives, NaN to 0, at 8 and 16 bits', () => {
  const v = new Float32Array([0, 0.5, 1, 1.7, -0.2, 0.25, NaN]);
  assert.deepEqual([...floatToU8(v)], [0, 128, 255, 255, 0, 64, 0]);
  assert.deepEqual([...floatToU16(v)], [0, 32768, 65535, 65535, 0, 16384, 0]);
  assert.deepEqual([...v].map(to8bit), [...floatToU8(v)]);
});

test('rgbFloatToRgba8 rounds, clips headroom for display and sets alpha', () => {
  const out = rgbFloatToRgba8(new Float32Array([0, 0.5, 1, 1.7, -0.2, 0.25]), 2, 1);
  assert.deepEqual([...out], [0, 128, 255, 255, 255, 0, 64, 255]);
});
