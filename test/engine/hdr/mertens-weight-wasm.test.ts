// The Mertens weight kernel (hdr/wasm/mertens-weight.ts, built by `npm run build`) against
// mertensWeightScalar, its JavaScript: every weight equal bit for bit, for float frames (with
// values below 0 and above 1, whose exp leaves the table), 8- and 16-bit rasters, the exponents
// the kernel takes (1 or 0 for each term), and frames of one row, one column and one pixel, where
// the reflected neighbours fall on the pixel itself. The kernel takes interior pixels two at a
// time in SIMD, so widths of 4 and more (and a pair with one pixel off the table) matter.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { mertensWeight, mertensWeightScalar, type MertensFrame } from '../../../electron/engine/hdr/mertens';
import { weightKernel } from '../../../electron/engine/hdr/mertens-weight-wasm';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function frame(w: number, h: number, kind: 'float' | 8 | 16, seed: number): MertensFrame {
  const r = rng(seed);
  const n = w * h * 3;
  if (kind === 8) return { width: w, height: h, bits: 8, data: Uint8Array.from({ length: n }, () => (r() * 256) | 0) };
  if (kind === 16) return { width: w, height: h, bits: 16, data: Uint16Array.from({ length: n }, () => (r() * 65536) | 0) };
  // values below 0 and above 1 (RAW headroom); 5 leaves the exp table (exponent ≥ 64)
  return { width: w, height: h, data: Float32Array.from({ length: n }, (_, i) => (i % 53 === 0 ? -0.2 : i % 59 === 0 ? 2.4 : i % 61 === 0 ? 5 : r())) };
}

test('the kernel is built and loads', () => {
  assert.ok(weightKernel(), 'dist/wasm/mertens-weight.wasm missing or not loadable: run npm run build');
});

for (const kind of ['float', 8, 16] as const) {
  test(`${kind === 'float' ? 'float' : `${kind}-bit`} frames: the kernel's weights are the JavaScript's`, () => {
    for (const [w, h] of [[1, 1], [2, 2], [1, 5], [5, 1], [3, 3], [4, 2], [37, 23], [200, 3]]) {
      const f = frame(w, h, kind, w * 31 + h);
      for (const e of [[1, 1, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]] as const) {
        const fast = mertensWeight(f, ...e);
        const slow = mertensWeightScalar(f, ...e);
        const at = fast.findIndex((v, i) => !Object.is(v, slow[i]));
        assert.equal(at, -1, `${w}x${h} weights ${e}: weight ${at} is ${fast[at]}, the JavaScript's ${slow[at]}`);
      }
    }
  });
}

test('an exponent other than 0 or 1 takes the JavaScript, and means it', () => {
  const f = frame(20, 10, 'float', 3);
  assert.deepEqual(mertensWeight(f, 1, 0.5, 1), mertensWeightScalar(f, 1, 0.5, 1));
  assert.notDeepEqual(mertensWeight(f, 1, 0.5, 1), mertensWeight(f, 1, 1, 1));
});
