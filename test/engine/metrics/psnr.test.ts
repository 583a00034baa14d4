import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psnr } from '../../../electron/engine/metrics/psnr';
import type { RgbFloat } from '../../../electron/engine/image/types';

function flat(w: number, h: number, v: number): RgbFloat {
  return { width: w, height: h, data: new Float32Array(w * h * 3).fill(v) };
}

test('identical images give infinite PSNR', () => {
  const a = flat(8, 8, 0.3);
  assert.equal(psnr(a, a), Infinity);
  assert.equal(psnr(a, a, 1), Infinity);
});

test('a known 8-bit error gives the textbook PSNR', () => {
  // every sample differs by exactly 5 codes: MSE 25 -> 10*log10(255^2/25) = 34.151 dB
  const a = flat(16, 16, 100 / 255);
  const b = flat(16, 16, 105 / 255);
  assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10(255 ** 2 / 25)) < 1e-9);
  // +-e alternating noise: MSE e^2 whatever the sign pattern
  const c = flat(16, 16, 0);
  const d = flat(16, 16, 0);
  for (let i = 0; i < c.data.length; i++) {
    c.data[i] = 0.5;
    d.data[i] = 0.5 + (i % 2 ? 0.01 : -0.01);
  }
  assert.ok(Math.abs(psnr(c, d, 1) - 40) < 1e-4, String(psnr(c, d, 1)));
});

test('default PSNR clips headroom to 8-bit; float PSNR does not', () => {
  const a = flat(4, 4, 1.5);
  const b = flat(4, 4, 1.0);
  assert.equal(psnr(a, b), Infinity);
  assert.ok(Math.abs(psnr(a, b, 1) - 10 * Math.log10(1 / 0.25)) < 1e-9);
  assert.throws(() => psnr(a, flat(4, 5, 1)), /size mismatch/);
});
