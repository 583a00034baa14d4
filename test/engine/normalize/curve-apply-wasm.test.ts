// The SIMD kernel (wasm/curve-apply.ts, built by `npm run build`) against applyTransformRows,
// the reference that the PyTorch parity test holds: every 8-bit sample within one code, and
// hardly any off by one (float32 against float64); from 16-bit input likewise; from float input,
// floats within 2e-6. Odd widths exercise the last step of four,
// bands the row offset, and the variants the branches (dark balance, dark saturation,
// strength, a metering rectangle).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyTransformRows, type CurveTransform, type PixelIo } from '../../../electron/engine/normalize/curve-apply';
import { wasmKernel } from '../../../electron/engine/normalize/curve-apply-wasm';
import { shadowKernel } from '../../../electron/engine/normalize/shadow-smooth-wasm';
import { smoothShadowRows } from '../../../electron/engine/normalize/shadow-smooth';
import { linearGainCurve } from '../../../electron/engine/normalize/headroom';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The shipped shape (24 knots at power 2.5) with random monotone curves that end above 1. */
function transform(seed: number, gh = 3, gw = 5): CurveTransform {
  const rand = rng(seed);
  const k = 24;
  const knots = Float32Array.from({ length: k }, (_, j) => (j / (k - 1)) ** 2.5);
  const curves = new Float32Array(gh * gw * k);
  for (let c = 0; c < gh * gw; c++) {
    let v = 0;
    for (let j = 1; j < k; j++) curves[c * k + j] = v += (knots[j] - knots[j - 1]) * (0.2 + 3 * rand());
  }
  return { gh, gw, knots, curves, wb: [1.04, 0.99, 0.97], sat: 0.8, satDark: 0.3, dark: 0.02, wbDark: [0.93, 1.01, 1.12], darkWb: 0.2 };
}

/** Pixels of every kind: noise over all codes, deep shadows, pure black and clipped white. */
function photo(n: number, seed: number): Uint8Array {
  const rand = rng(seed);
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const kind = p % 4;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = kind === 0 ? (rand() * 256) | 0 : kind === 1 ? (rand() * 12) | 0 : kind === 2 ? 0 : 255 - ((rand() * 3) | 0);
  }
  return out;
}

/**
 * Every sample within one code of the reference, and few off by one: float32 against float64
 * lands on the other code about once in 10⁵ at 8 bits, a few times in a hundred at 16 bits.
 */
function compare(got: Uint8Array | Uint16Array, want: Uint8Array | Uint16Array, label: string): void {
  let worst = 0;
  let off = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d) off++;
    worst = Math.max(worst, d);
  }
  assert.ok(worst <= 1, `${label}: a sample is ${worst} codes from the reference`);
  assert.ok(off <= Math.max(2, want.length * (want instanceof Uint16Array ? 3e-2 : 1e-3)), `${label}: ${off} of ${want.length} samples differ`);
}

test('the kernel is built and loads', () => {
  assert.ok(wasmKernel(), 'dist/wasm/curve-apply.wasm missing or not loadable: run npm run build');
});

const variants: Array<[string, (t: CurveTransform) => CurveTransform, Partial<PixelIo>]> = [
  ['full transform', (t) => t, {}],
  ['no dark balance', (t) => ({ ...t, wbDark: t.wb }), {}],
  ['one saturation', (t) => ({ ...t, satDark: t.sat }), {}],
  ['strength 0.6', (t) => t, { strength: 0.6 }],
  ['metering rectangle', (t) => t, { gridRect: { x: 3, y: 2, w: 11, h: 9 } }],
];

for (const width of [1, 2, 3, 5, 37, 64]) {
  for (const [name, vary, extra] of variants) {
    test(`width ${width}, ${name}: within one code of applyTransformRows`, () => {
      const kernel = wasmKernel();
      assert.ok(kernel);
      const height = 23;
      const t = vary(transform(width * 7 + name.length));
      const src = photo(width * height, width);
      const io: PixelIo = { inMax: 255, outMax: 255, height, ...extra };
      const want = new Uint8Array(src.length);
      applyTransformRows(src, want, width, 0, height, t, io);
      const got = new Uint8Array(src.length);
      kernel.applyRows(src, got, width, 0, height, t, io);
      compare(got, want, `${width} px ${name}`);
      // a band of rows 9..17, held in a buffer of its own and written over in place
      const band = src.slice(9 * width * 3, 17 * width * 3);
      kernel.applyRows(band, band, width, 9, 17, t, { ...io, bufferRow0: 9 });
      compare(band, want.subarray(9 * width * 3, 17 * width * 3), `${width} px ${name}, band in place`);
    });
  }
}

test('a photo taller than one kernel call is applied in chunks', () => {
  const kernel = wasmKernel();
  assert.ok(kernel);
  const width = 13;
  const height = 600;
  const t = transform(5, 4, 4);
  const src = photo(width * height, 3);
  const io: PixelIo = { inMax: 255, outMax: 255, height };
  const want = new Uint8Array(src.length);
  applyTransformRows(src, want, width, 0, height, t, io);
  kernel.applyRows(src, src, width, 0, height, t, io);
  compare(src, want, 'tall photo');
});

test('smoothed shadows (a float band the curves read instead of the samples): within one code of applyTransformRows', () => {
  const kernel = wasmKernel();
  assert.ok(kernel);
  for (const width of [1, 5, 37]) {
    const height = 300; // more rows than one kernel call: the float band is copied chunk by chunk
    const t = transform(width + 11);
    const src = photo(width * height, width + 1);
    const rand = rng(width);
    const shadow = Float32Array.from(src, (v) => (v < 12 ? (v + rand() - 0.5) / 255 : v / 255));
    for (const strength of [1, 0.6]) {
      const io: PixelIo = { inMax: 255, outMax: 255, height, shadow, strength };
      const want = new Uint8Array(src.length);
      applyTransformRows(src, want, width, 0, height, t, io);
      const got = new Uint8Array(src.length);
      kernel.applyRows(src, got, width, 0, height, t, io);
      compare(got, want, `${width} px, strength ${strength}, smoothed shadows`);
      const plain = new Uint8Array(src.length);
      applyTransformRows(src, plain, width, 0, height, t, { ...io, shadow: undefined });
      assert.notDeepEqual(plain, want, 'the float band is what the curves read');
    }
  }
});

/** Near-black speckle with bright rows and columns: rows with and without smoothed pixels. */
function speckle(width: number, height: number, rand: () => number): Uint8Array {
  return Uint8Array.from({ length: width * height * 3 }, (_, i) => {
    const y = Math.floor(i / (width * 3));
    const x = Math.floor(i / 3) % width;
    return y % 23 < 4 || x % 9 === 4 ? 60 + ((rand() * 190) | 0) : (rand() * 7) | 0;
  });
}

// A worker's band (curve-apply-worker.ts): smoothing and curves in one module's memory give
// exactly what the smoothing kernel's band of floats fed to applyRows gives, at the photo's
// edges and inside it, over more rows than one smoothing call, in place or not.
test('applyBand: the same bytes as shadowKernel then applyRows, band by band', () => {
  const kernel = wasmKernel();
  const smooth = shadowKernel();
  assert.ok(kernel && smooth);
  for (const width of [1, 5, 37]) {
    const height = 70;
    const t = transform(width + 3);
    const src = speckle(width, height, rng(width + 17));
    const row = width * 3;
    for (const [y0, y1] of [[0, height], [0, 19], [19, 58], [58, height], [1, 3]]) {
      for (const strength of [1, 0.7]) {
        const io: PixelIo = { inMax: 255, outMax: 255, height, strength };
        const top = Math.max(0, y0 - 1);
        const bottom = Math.min(height, y1 + 1);
        const band = src.slice(top * row, bottom * row);
        const smoothed = smooth(band, 255, width, height, y0, y1, top);
        const want = new Uint8Array((y1 - y0) * row);
        const core = band.subarray((y0 - top) * row, (y1 - top) * row);
        // the worker's runs: rows with smoothed pixels read the floats, the others their samples
        for (let a = y0; a < y1; ) {
          const flag = smoothed?.changed[a - y0] ?? 0;
          let b = a + 1;
          while (b < y1 && (smoothed?.changed[b - y0] ?? 0) === flag) b++;
          const from = (a - y0) * row;
          const to = (b - y0) * row;
          kernel.applyRows(core.subarray(from, to), want.subarray(from, to), width, a, b, t, { ...io, bufferRow0: a, shadow: flag ? smoothed?.values.subarray(from, to) : undefined });
          a = b;
        }
        const got = new Uint8Array((y1 - y0) * row);
        kernel.applyBand(band, y0 - top, got, width, y0, y1, t, io, true);
        assert.deepEqual(got, want, `${width} px, rows ${y0}..${y1}, strength ${strength}`);
        kernel.applyBand(band, y0 - top, core, width, y0, y1, t, io, true);
        assert.deepEqual(core, want, `${width} px, rows ${y0}..${y1}, in place`);
        const plain = new Uint8Array((y1 - y0) * row);
        kernel.applyRows(src.subarray(y0 * row, y1 * row), plain, width, y0, y1, t, { ...io, bufferRow0: y0 });
        const unsmoothed = new Uint8Array((y1 - y0) * row);
        kernel.applyBand(src.slice(top * row, bottom * row), y0 - top, unsmoothed, width, y0, y1, t, io, false);
        assert.deepEqual(unsmoothed, plain, `${width} px, rows ${y0}..${y1}, not smoothed: applyRows' bytes`);
        if (smoothed) assert.notDeepEqual(plain, want, 'the smoothing is what the curves read');
      }
    }
  }
});

/** A float photo as a RAW decodes: every level, deep shadows, headroom up to 2.4 and a few values below 0. */
function floatPhoto(n: number, seed: number): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const kind = p % 5;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = kind === 0 ? rand() : kind === 1 ? rand() * 0.04 : kind === 2 ? 1 + rand() * 1.4 : kind === 3 ? rand() * 1.2 : -0.01 * rand();
  }
  return out;
}

// Float input (RAW, the editor's working image) to float, 16-bit and 8-bit output, with RAW
// headroom's map (its table and, past the table, its exact formula) and without.
for (const width of [1, 3, 5, 37]) {
  for (const [name, vary, extra] of variants) {
    for (const gain of [1, 0.35]) {
      test(`float in, width ${width}, ${name}, headroom gain ${gain}: float out within 2e-6, integers within one code`, () => {
        const kernel = wasmKernel();
        assert.ok(kernel);
        const height = 19;
        const t = vary(transform(width * 5 + name.length));
        const src = floatPhoto(width * height, width + 3);
        const base: PixelIo = { inMax: 1, outMax: 1, height, pre: gain === 1 ? undefined : linearGainCurve(gain), ...extra };
        const want = new Float32Array(src.length);
        applyTransformRows(src, want, width, 0, height, t, base);
        const got = new Float32Array(src.length);
        kernel.applyRows(src, got, width, 0, height, t, base);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        assert.ok(worst <= 2e-6, `float out: ${worst} from the reference`);
        // a band of rows 4..11 in place
        const band = src.slice(4 * width * 3, 11 * width * 3);
        kernel.applyRows(band, band, width, 4, 11, t, { ...base, bufferRow0: 4 });
        for (let i = 0; i < band.length; i++) assert.ok(Math.abs(band[i] - want[4 * width * 3 + i]) <= 2e-6, 'band in place');
        for (const max of [255, 65535] as const) {
          const io = { ...base, outMax: max };
          const ref = max === 255 ? new Uint8Array(src.length) : new Uint16Array(src.length);
          applyTransformRows(src, ref, width, 0, height, t, io);
          const out = max === 255 ? new Uint8Array(src.length) : new Uint16Array(src.length);
          kernel.applyRows(src, out, width, 0, height, t, io);
          compare(out, ref, `${max === 255 ? 8 : 16}-bit out`);
        }
      });
    }
  }
}

// 16-bit input (TIFF/PNG from a raw converter) to 16- and 8-bit output, with smoothed shadows too.
for (const width of [1, 3, 5, 37]) {
  for (const [name, vary, extra] of variants) {
    test(`16-bit in, width ${width}, ${name}: within one code of applyTransformRows`, () => {
      const kernel = wasmKernel();
      assert.ok(kernel);
      const height = 21;
      const t = vary(transform(width * 3 + name.length));
      const src = Uint16Array.from(photo(width * height, width + 5), (v, i) => v * 257 + (i % 257));
      const rand = rng(width);
      const shadow = Float32Array.from(src, (v) => (v < 3000 ? Math.max(0, (v + (rand() - 0.5) * 200) / 65535) : v / 65535));
      for (const [max, sh] of [[65535, undefined], [255, undefined], [65535, shadow]] as const) {
        const io: PixelIo = { inMax: 65535, outMax: max, height, shadow: sh, ...extra };
        const want = max === 255 ? new Uint8Array(src.length) : new Uint16Array(src.length);
        applyTransformRows(src, want, width, 0, height, t, io);
        const got = max === 255 ? new Uint8Array(src.length) : new Uint16Array(src.length);
        kernel.applyRows(src, got, width, 0, height, t, io);
        compare(got, want, `${max === 255 ? 8 : 16}-bit out${sh ? ', smoothed shadows' : ''}`);
      }
    });
  }
}

test('float in with smoothed shadows: the float band is what the curves read', () => {
  const kernel = wasmKernel();
  assert.ok(kernel);
  const width = 37;
  const height = 300; // more rows than one kernel call: the bands are copied chunk by chunk
  const t = transform(4);
  const src = floatPhoto(width * height, 9);
  const rand = rng(2);
  const shadow = Float32Array.from(src, (v) => (v < 0.05 ? Math.max(0, v + (rand() - 0.5) * 0.01) : v));
  const io: PixelIo = { inMax: 1, outMax: 1, height, shadow, strength: 0.8, pre: linearGainCurve(0.5) };
  const want = new Float32Array(src.length);
  applyTransformRows(src, want, width, 0, height, t, io);
  const got = new Float32Array(src.length);
  kernel.applyRows(src, got, width, 0, height, t, io);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 2e-6, `sample ${i}`);
  const plain = new Float32Array(src.length);
  kernel.applyRows(src, plain, width, 0, height, t, { ...io, shadow: undefined });
  assert.ok(plain.some((v, i) => Math.abs(v - want[i]) > 1e-3), 'the float band is what the curves read');
});

test('other depths are refused, not misread', () => {
  const kernel = wasmKernel();
  assert.ok(kernel);
  const t = transform(1);
  assert.throws(() => kernel.applyRows(new Uint8Array(12), new Uint8Array(12), 4, 0, 1, t, { inMax: 65535, outMax: 255, height: 1 }), /input: Uint8Array at full scale 65535/);
  assert.throws(() => kernel.applyRows(new Uint16Array(12), new Uint8Array(12), 4, 0, 1, t, { inMax: 255, outMax: 255, height: 1 }), /input: Uint16Array at full scale 255/);
  assert.throws(() => kernel.applyRows(new Float32Array(12), new Uint8Array(12), 4, 0, 1, t, { inMax: 1, outMax: 65535, height: 1 }), /output: Uint8Array/);
  assert.throws(() => kernel.applyRows(new Uint8Array(12), new Uint8Array(12), 4, 0, 1, t, { inMax: 255, outMax: 255, height: 1, pre: linearGainCurve(0.5) }), /float input/);
});

// A worker's band of 16-bit or float samples (a TIFF from a raw converter; a RAW, the editor's
// working image): smoothing and curves in one module's memory against the references,
// smoothShadowRows then applyTransformRows, for every output depth, with RAW headroom's map.
test('applyBand on 16-bit and float bands: the references\' values, smoothed or not', () => {
  const kernel = wasmKernel();
  assert.ok(kernel);
  for (const width of [1, 5, 37]) {
    const height = 70;
    const t = transform(width + 5);
    const rand = rng(width + 29);
    // as 8-bit codes, then at each depth
    const codes = speckle(width, height, rand);
    const row = width * 3;
    const inputs: Array<[string, Uint16Array | Float32Array, number, boolean]> = [
      ['16-bit', Uint16Array.from(codes, (v) => v * 257 + ((rand() * 200) | 0)), 65535, false],
      ['float', Float32Array.from(codes, (v) => (v + rand()) / 256), 1, false],
      ['float with headroom', Float32Array.from(codes, (v) => (v > 200 ? 1 + rand() : (v + rand()) / 256)), 1, true],
    ];
    for (const [name, src, inMax, headroom] of inputs) {
      for (const outMax of [255, 65535, 1]) {
        for (const [y0, y1] of [[0, height], [0, 19], [19, 58], [58, height]]) {
          for (const smooth of [true, false]) {
            const what = `${name} → ${outMax}, ${width} px, rows ${y0}..${y1}${smooth ? ', smoothed' : ''}`;
            const io: PixelIo = { inMax, outMax, height, strength: 0.8, pre: headroom ? linearGainCurve(1.6) : undefined };
            const top = smooth ? Math.max(0, y0 - 1) : y0;
            const bottom = smooth ? Math.min(height, y1 + 1) : y1;
            const band = src.slice(top * row, bottom * row);
            const shadow = smooth ? smoothShadowRows(band, inMax, width, height, y0, y1, top)?.values : undefined;
            const make = (): Uint8Array | Uint16Array | Float32Array => (outMax === 255 ? new Uint8Array((y1 - y0) * row) : outMax === 65535 ? new Uint16Array((y1 - y0) * row) : new Float32Array((y1 - y0) * row));
            const want = make();
            applyTransformRows(band.subarray((y0 - top) * row, (y1 - top) * row), want, width, y0, y1, t, { ...io, bufferRow0: y0, shadow });
            const got = make();
            kernel.applyBand(band, y0 - top, got, width, y0, y1, t, io, smooth);
            let worst = 0;
            for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
            assert.ok(worst <= (outMax === 1 ? 1e-5 : 1), `${what}: ${worst} from the reference`);
          }
        }
      }
    }
  }
});
