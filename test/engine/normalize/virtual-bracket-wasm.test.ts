// The virtual bracket's fusion kernel (wasm/bracket-fuse.ts, built by `npm run build`) against
// fuseFrames, its JavaScript: every value within 1e-6 (the same float64 steps stored as float32;
// only exp may differ in its last bit), over square views of even and odd sides (the pyramids'
// odd levels take OpenCV's edge rules), brackets reaching below and above the frame, clipped
// whites and black, and a 1-pixel view.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fuseFrames, pushOf } from '../../../electron/engine/normalize/virtual-bracket';
import { bracketFuse } from '../../../electron/engine/normalize/virtual-bracket-wasm';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A dark view (sRGB 0..1, planes) with a gradient, noise, a clipped light and a black corner. */
function view(size: number, seed: number): Float32Array {
  const rand = rng(seed);
  const n = size * size;
  const out = new Float32Array(3 * n);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const light = Math.abs(x - size / 3) + Math.abs(y - size / 2) < size / 8;
      const black = size > 2 && x < size / 6 && y < size / 6;
      for (let c = 0; c < 3; c++) out[c * n + i] = light ? 1 : black ? 0 : Math.min(1, 0.02 + (0.25 * x) / size + 0.05 * rand() + 0.03 * c * (y / size));
    }
  }
  return out;
}

test('the kernel is built and loads', () => {
  assert.ok(bracketFuse(), 'dist/wasm/bracket-fuse.wasm missing or not loadable: run npm run build');
});

for (const size of [112, 37, 6, 2, 1]) {
  test(`side ${size}: the kernel gives fuseFrames' luminance`, () => {
    const kernel = bracketFuse();
    assert.ok(kernel);
    const { lin, push } = pushOf(view(size, size), size);
    const k0 = Math.floor(push + 0.5);
    for (const [kLo, kHi] of [[Math.min(0, k0 - 3), Math.max(0, k0 + 3)], [-2, 1], [0, 0]]) {
      const want = fuseFrames(lin, size, kLo, kHi);
      const got = kernel(lin, size, kLo, kHi);
      assert.equal(got.length, want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      assert.ok(worst <= 1e-6, `side ${size}, k ${kLo}..${kHi}: ${worst} from the JavaScript`);
      assert.ok(want.some((v) => v > 0.01), 'the fusion is not empty');
    }
  });
}
