// The SSIM kernel (metrics/wasm/ssim.ts, built by `npm run build`) against ssim.ts's JavaScript:
// within 1e-12 (each sample's value is the same arithmetic; only the order of the sums differs),
// at widths whose rows hold whole pairs of samples and widths that leave one over,
// the smallest size, out-of-range and NaN samples (quantised as to8bit does), and a photo-sized
// row. The scipy reference (ssim.test.ts) runs through ssim(), so through this kernel.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ssim, ssimScalar } from '../../../electron/engine/metrics/ssim';
import { ssimKernel } from '../../../electron/engine/metrics/ssim-wasm';
import type { RgbFloat } from '../../../electron/engine/image/types';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Texture over a gradient, with samples below 0, above 1 and NaN where `wild`. */
function picture(w: number, h: number, seed: number, wild = false): RgbFloat {
  const r = rng(seed);
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < data.length; i++) {
    const x = (i / 3) % w;
    data[i] = 0.3 + (0.4 * x) / w + 0.25 * (r() - 0.5);
    if (wild && i % 97 === 0) data[i] = [-0.2, 1.4, Number.NaN][i % 3];
  }
  return { width: w, height: h, data };
}

test('the kernel is built and loads', () => {
  assert.ok(ssimKernel(), 'dist/wasm/ssim.wasm missing or not loadable: run npm run build');
});

// interior samples (w − 10)·3: even (whole pairs) for even w, odd (a pair half past the row) for odd w
for (const [w, h] of [[11, 11], [12, 11], [13, 17], [64, 48], [97, 150], [1031, 23]]) {
  test(`${w}x${h}: the kernel gives the JavaScript's SSIM`, () => {
    const a = picture(w, h, w);
    const b = picture(w, h, h + 1, true);
    const fast = ssim(a, b);
    const slow = ssimScalar(a, b);
    assert.ok(Math.abs(fast - slow) < 1e-12, `kernel ${fast} js ${slow}`);
    assert.equal(ssim(a, a), 1);
  });
}

test('one call after another starts from zero (the kernel keeps its sums between rows only)', () => {
  const a = picture(40, 30, 1);
  const b = picture(40, 30, 2);
  const first = ssim(a, b);
  ssim(picture(200, 100, 3), picture(200, 100, 4));
  assert.equal(ssim(a, b), first);
});
