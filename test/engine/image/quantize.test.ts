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

test('the fast rounding is Math.round on every float32 in 0..1, at 8 and 16 bits, halves included', () => {
  // every float32 in [0, 1): their bit patterns run 0 .. 0x3f7fffff; a stride keeps it quick while
  // still visiting both neighbours of every half-way point checked below
  const f = new Float32Array(1);
  const bits = new Uint32Array(f.buffer);
  const check = (v: number): void => {
    const want8 = v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0;
    const want16 = v > 0 ? (v < 1 ? Math.round(v * 65535) : 65535) : 0;
    const x = new Float32Array([v]);
    if (floatToU8(x)[0] !== want8 || to8bit(v) !== want8) assert.fail(`8-bit ${v}: ${floatToU8(x)[0]}, ${to8bit(v)}, not ${want8}`);
    if (floatToU16(x)[0] !== want16) assert.fail(`16-bit ${v}: ${floatToU16(x)[0]}, not ${want16}`);
  };
  for (let b = 0; b < 0x3f800000; b += 997) {
    bits[0] = b;
    check(f[0]);
  }
  // the float32s nearest each half-way point (k + 0.5) / max, where rounding turns
  for (const max of [255, 65535]) {
    for (let k = 0; k < max; k += max === 255 ? 1 : 37) {
      f[0] = (k + 0.5) / max;
      for (const d of [-2, -1, 0, 1, 2]) {
        const b = bits[0];
        bits[0] = b + d;
        check(f[0]);
        bits[0] = b;
      }
    }
  }
});
