// The Debevec merge kernel (hdr/wasm/debevec-merge.ts, built by `npm run build`) against
// mergeDebevecScalar, its JavaScript: every radiance equal bit for bit (the kernel's exp is
// fdlibm's, as V8's Math.exp), for 8- and 16-bit and float frames, two to five of them, with a
// calibrated and OpenCV's linear response, and frames of one pixel, one row and one column.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { calibrateDebevec, mergeDebevec, mergeDebevecScalar, type DebevecFrame } from '../../../electron/engine/hdr/debevec';
import { mergeKernel } from '../../../electron/engine/hdr/debevec-wasm';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A bracket of `n` frames a stop or two apart: a scene's radiance times each exposure, with noise, clipped as a camera does. */
function bracket(w: number, h: number, n: number, kind: 'float' | 8 | 16, seed: number): { frames: DebevecFrame[]; times: number[] } {
  const r = rng(seed);
  const scene = Float64Array.from({ length: w * h * 3 }, () => 2 ** (r() * 10 - 7));
  const times = Array.from({ length: n }, (_, k) => 2 ** (k * 1.5 - 3));
  const frames = times.map((t): DebevecFrame => {
    const v = Array.from(scene, (s) => Math.min(1, Math.max(0, (s * t) ** (1 / 2.2) + (r() - 0.5) * 0.02)));
    if (kind === 8) return { width: w, height: h, bits: 8, data: Uint8Array.from(v, (x) => Math.round(x * 255)) };
    if (kind === 16) return { width: w, height: h, bits: 16, data: Uint16Array.from(v, (x) => Math.round(x * 65535)) };
    return { width: w, height: h, data: Float32Array.from(v, (x, i) => (i % 41 === 0 ? x * 1.3 : i % 43 === 0 ? -0.1 : x)) };
  });
  return { frames, times };
}

test('the kernel is built and loads', () => {
  assert.ok(mergeKernel(), 'dist/wasm/debevec-merge.wasm missing or not loadable: run npm run build');
});

for (const kind of ['float', 8, 16] as const) {
  test(`${kind === 'float' ? 'float' : `${kind}-bit`} frames: the kernel's radiance is the JavaScript's`, () => {
    for (const [w, h, n] of [[1, 1, 2], [7, 1, 3], [1, 9, 4], [97, 31, 3], [64, 16, 5]]) {
      const { frames, times } = bracket(w, h, n, kind, w * 131 + h * 7 + n);
      const responses = w * h >= 70 ? [calibrateDebevec(frames, times), undefined] : [undefined];
      for (const response of responses) {
        const fast = mergeDebevec(frames, times, response).data;
        const slow = mergeDebevecScalar(frames, times, response).data;
        const at = fast.findIndex((v, i) => !Object.is(v, slow[i]));
        assert.equal(at, -1, `${w}x${h}, ${n} frames, ${response ? 'calibrated' : 'linear'}: sample ${at} is ${fast[at]}, the JavaScript's ${slow[at]}`);
      }
    }
  });
}
