// The deep-shadow smoothing's SIMD kernel (wasm/shadow-smooth.ts, built by `npm run build`)
// against smoothShadowRows, its JavaScript reference: the same rows changed and every value
// within 1e-6 (float32 against float64), on 8-bit, 16-bit and float samples (RAW headroom above
// 1 and negative values among them), over odd widths, bands with their margin rows, the
// photo's edges, and bands with nothing dark.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { smoothShadowRows } from '../../../electron/engine/normalize/shadow-smooth';
import { shadowKernel } from '../../../electron/engine/normalize/shadow-smooth-wasm';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Near-black speckle, saturated dark colours, a bright stripe and a bright band of rows. */
function photo(width: number, height: number, seed: number): Uint8Array {
  const rand = rng(seed);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const bright = x % 11 === 5 || (y >= 20 && y < 26);
      for (let c = 0; c < 3; c++) out[p + c] = bright ? 90 + ((rand() * 160) | 0) : c === x % 3 ? (rand() * 40) | 0 : (rand() * 4) | 0;
    }
  }
  return out;
}

/** The 8-bit photo as 16-bit codes (with the low byte's own detail) or as floats (a few over 1 or below 0). */
function asDepth(src: Uint8Array, inMax: 255 | 65535 | 1, seed: number): Uint8Array | Uint16Array | Float32Array {
  const rand = rng(seed);
  if (inMax === 255) return src;
  if (inMax === 65535) return Uint16Array.from(src, (v) => Math.min(65535, v * 257 + ((rand() * 257) | 0)));
  return Float32Array.from(src, (v) => (v === 255 ? 1 + rand() : v === 0 && rand() < 0.1 ? -0.001 : (v + rand()) / 256));
}

test('the kernel is built and loads', () => {
  assert.ok(shadowKernel(), 'dist/wasm/shadow-smooth.wasm missing or not loadable: run npm run build');
});

for (const [width, inMax] of [1, 2, 3, 6, 37].flatMap((w) => ([255, 65535, 1] as const).map((m) => [w, m] as const))) {
  test(`width ${width}, samples of max ${inMax}: the kernel gives smoothShadowRows' values, band by band`, () => {
    const kernel = shadowKernel();
    assert.ok(kernel);
    const height = 41;
    const src = asDepth(photo(width, height, width), inMax, width + inMax);
    const row = width * 3;
    for (const [y0, y1] of [
      [0, height],
      [0, 9],
      [9, 20],
      [20, 26], // bright rows, dark rows next to them
      [21, 25], // bright rows whose neighbours are bright: nothing changes
      [26, height],
    ]) {
      const top = Math.max(0, y0 - 1);
      const bottom = Math.min(height, y1 + 1);
      const band = src.slice(top * row, bottom * row);
      const want = smoothShadowRows(band, inMax, width, height, y0, y1, top);
      const into = new Float32Array((y1 - y0) * row + 5);
      const got = kernel(band, inMax, width, height, y0, y1, top, into);
      assert.equal(got === undefined, want === undefined, `rows ${y0}..${y1}: changed or not, alike`);
      if (!got || !want) continue;
      assert.deepEqual(got.changed, want.changed, `rows ${y0}..${y1}: the same rows changed`);
      let worst = 0;
      for (let i = 0; i < want.values.length; i++) worst = Math.max(worst, Math.abs(got.values[i] - want.values[i]));
      assert.ok(worst <= 1e-6, `rows ${y0}..${y1}: a value ${worst} from the reference`);
      assert.equal(got.values.buffer, into.buffer, 'written into the buffer given');
    }
  });
}
