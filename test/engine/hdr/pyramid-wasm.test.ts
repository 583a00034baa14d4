// The pyramid kernel (hdr/wasm/pyramid.ts, built by `npm run build`) against pyramid.ts's
// JavaScript: pyrDown, a weighted Laplacian level and a collapse step, every value equal bit for
// bit, for 8-bit, 16-bit and float samples, one and three channels, and even, odd and one-pixel
// sides (where pyrUp repeats its last row or column and the borders reflect onto the pixel
// itself); and the whole Mertens fusion, kernel against mertensFuseScalar.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { mertensFuse, mertensFuseScalar, type MertensFrame } from '../../../electron/engine/hdr/mertens';
import { pyramidKernel } from '../../../electron/engine/hdr/pyramid-wasm';
import { scalarPyramidOps, type FloatPlanes, type SampleRows } from '../../../electron/engine/hdr/pyramid';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function samples(w: number, h: number, cn: number, bits: 8 | 16 | 32, seed: number): SampleRows {
  const r = rng(seed);
  const n = w * h * cn;
  const data = bits === 8 ? Uint8Array.from({ length: n }, () => (r() * 256) | 0) : bits === 16 ? Uint16Array.from({ length: n }, () => (r() * 65536) | 0) : Float32Array.from({ length: n }, () => r() * 1.2 - 0.1);
  return { width: w, height: h, channels: cn, bits, data };
}

function plane(w: number, h: number, cn: number, seed: number): FloatPlanes {
  const s = samples(w, h, cn, 32, seed);
  return { width: w, height: h, channels: cn, data: s.data as Float32Array };
}

function sameFloats(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, what);
  const at = a.findIndex((v, i) => !Object.is(v, b[i]));
  assert.equal(at, -1, `${what}: value ${at} is ${a[at]}, the JavaScript's ${b[at]}`);
}

const SIZES = [[1, 1], [2, 1], [1, 2], [5, 1], [1, 5], [2, 2], [7, 3], [8, 6], [37, 23], [64, 9]];
const KINDS = [[3, 8], [3, 16], [3, 32], [1, 32]] as const;

test('the kernel is built and loads', () => {
  assert.ok(pyramidKernel(), 'dist/wasm/pyramid.wasm missing or not loadable: run npm run build');
});

test("pyrDown: the kernel's levels are the JavaScript's", () => {
  const k = pyramidKernel();
  assert.ok(k);
  for (const [w, h] of SIZES) {
    for (const [cn, bits] of KINDS) {
      const src = samples(w, h, cn, bits, w * 17 + h + bits);
      sameFloats(k.pyrDown(src).data, scalarPyramidOps.pyrDown(src).data, `${w}x${h}, ${cn} channels of ${bits} bits`);
    }
  }
});

test("a weighted Laplacian level, the top level and a collapse step: the kernel's sums are the JavaScript's", () => {
  const k = pyramidKernel();
  assert.ok(k);
  for (const [w, h] of SIZES) {
    for (const [cn, bits] of KINDS) {
      const g = samples(w, h, cn, bits, w * 5 + h * 3 + cn);
      const weight = plane(w, h, 1, w * h + 1).data;
      // the level above as a pyramid makes it (half, rounded up), and, where a side is odd, rounded
      // down: pyrUp then repeats its last column or row
      for (const [aw, ah] of [[(w + 1) >> 1, (h + 1) >> 1], [Math.max(1, w >> 1), Math.max(1, h >> 1)]]) {
        if (Math.abs(w - 2 * aw) > 1 || Math.abs(h - 2 * ah) > 1) continue;
        const above = plane(aw, ah, cn, w + h);
        const what = `${w}x${h} from ${aw}x${ah}, ${cn} channels of ${bits} bits`;
        for (const up of [above, undefined]) {
          const a = plane(w, h, cn, 99).data;
          const b = a.slice();
          k.laplace(a, g, up, weight);
          scalarPyramidOps.laplace(b, g, up, weight);
          sameFloats(a, b, `${what}, ${up ? 'Laplacian' : 'top'} level`);
        }
        const d1 = plane(w, h, cn, 7);
        const d2 = { ...d1, data: d1.data.slice() };
        k.addUp(d1, above);
        scalarPyramidOps.addUp(d2, above);
        sameFloats(d1.data, d2.data, `${what}, collapse`);
      }
    }
  }
});

test("the whole fusion: mertensFuse's values are mertensFuseScalar's", () => {
  for (const [w, h] of [[1, 1], [3, 5], [40, 27]]) {
    for (const bits of [8, 16, 32] as const) {
      const frames: MertensFrame[] = [0, 1, 2].map((i) => {
        const s = samples(w, h, 3, bits, w * h + i * 31 + bits);
        return bits === 32 ? { width: w, height: h, data: s.data as Float32Array } : { width: w, height: h, bits, data: s.data as Uint8Array | Uint16Array };
      });
      sameFloats(mertensFuse(frames).data, mertensFuseScalar(frames).data, `${w}x${h} ${bits}-bit`);
    }
  }
});
