// The transform on every core (curve-apply-pool.ts) gives the pixels of one pass of the same
// applier over the whole photo (the SIMD kernel, held to applyTransformRows by
// curve-apply-wasm.test.ts): any number of bands (the last one short), in place or into an
// output of another depth, with band buffers reused across bands. Exactly, except where deep
// shadows are smoothed (below).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyTransformRows, type CurveTransform, type PixelIo } from '../../../electron/engine/normalize/curve-apply';
import { wasmKernel } from '../../../electron/engine/normalize/curve-apply-wasm';
import { applyTransformBands } from '../../../electron/engine/normalize/curve-apply-pool';
import { shadowSmoothing, smoothShadowRows } from '../../../electron/engine/normalize/shadow-smooth';
import { linearGainCurve } from '../../../electron/engine/normalize/headroom';

function transform(): CurveTransform {
  const k = 8;
  const knots = Float32Array.from({ length: k }, (_, j) => (j / (k - 1)) ** 2);
  const gh = 3;
  const gw = 4;
  const curves = new Float32Array(gh * gw * k);
  for (let c = 0; c < gh * gw; c++) for (let j = 0; j < k; j++) curves[c * k + j] = Math.min(1.2, knots[j] ** (0.4 + 0.1 * (c % 5)));
  return { gh, gw, knots, curves, wb: [1.05, 0.98, 1.1], sat: 0.9, satDark: 0.5, dark: 0.02, wbDark: [0.9, 1.0, 1.3], darkWb: 0.1 };
}

function noise(n: number, max: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) % (max + 1);
  });
}

const width = 37;

/** One pass over the whole photo with the applier the workers run: the SIMD kernel where the install has it (held to applyTransformRows by curve-apply-wasm.test.ts). */
function onePass(src: Uint8Array | Uint16Array, dst: Uint8Array | Uint16Array, t: CurveTransform, io: PixelIo): void {
  const simd = wasmKernel();
  if (simd) simd.applyRows(src, dst, width, 0, io.height, t, io);
  else applyTransformRows(src, dst, width, 0, io.height, t, io);
}
const height = 5 * 40 + 13; // six bands of 40 rows, the last short

for (const [inBits, outBits] of [[8, 8], [8, 16], [16, 16], [16, 8]] as const) {
  test(`${inBits}-bit in, ${outBits}-bit out: bands on workers equal one whole pass`, async () => {
    const t = transform();
    const n = width * height * 3;
    const make = (bits: 8 | 16, values?: number[]) => (bits === 8 ? (values ? new Uint8Array(values) : new Uint8Array(n)) : values ? new Uint16Array(values) : new Uint16Array(n));
    const src = make(inBits, noise(n, inBits === 8 ? 255 : 65535, 7 + inBits));
    const want = make(outBits);
    onePass(src, want, t, { inMax: inBits === 8 ? 255 : 65535, outMax: outBits === 8 ? 255 : 65535, height, strength: 0.8 });
    const photo = { width, height, data: src.slice() };
    const dst = inBits === outBits ? undefined : { width, height, data: make(outBits) };
    const seen: Array<[number, number]> = [];
    await applyTransformBands(photo, t, { dst, strength: 0.8, bandRows: 40, onBand: (y0, y1) => seen.push([y0, y1]) });
    const got = (dst ?? photo).data;
    assert.deepEqual(seen, Array.from({ length: 6 }, (_, b) => [b * 40, Math.min(height, b * 40 + 40)]), 'bands reported once each, in order');
    let diff = 0;
    for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]));
    assert.equal(diff, 0, `pool and one pass differ by ${diff}`);
    if (dst) assert.deepEqual(photo.data, src, 'the source is left as it was when the output is separate');
  });
}

// A transform that lifts the deep shadows far (shadow-smooth.ts): each band travels with margin
// rows, the rows above it copied before the band above is written back in place; 8-bit bands
// take the smoothing's kernel (shadow-smooth-wasm.ts), 16-bit ones its JavaScript.
for (const [inBits, outBits] of [[8, 8], [8, 16], [16, 16]] as const) {
  test(`${inBits}-bit in, ${outBits}-bit out, deep shadows smoothed: bands on workers equal one whole pass`, async () => {
    const t = transform();
    for (let c = 0; c < t.gh * t.gw; c++) for (let j = 0; j < t.knots.length; j++) t.curves[c * t.knots.length + j] = t.knots[j] ** 0.25;
    assert.ok(shadowSmoothing(t));
    const n = width * height * 3;
    const inMax = inBits === 8 ? 255 : 65535;
    // near-black speckle with a few brighter rows between
    const values = noise(n, 6, 3).map((v, i) => (Math.floor(i / (width * 3)) % 17 === 0 ? 200 : v) * (inMax === 255 ? 1 : 257));
    const src = inBits === 8 ? new Uint8Array(values) : new Uint16Array(values);
    const want = outBits === 8 ? new Uint8Array(n) : new Uint16Array(n);
    const shadow = smoothShadowRows(src, inMax, width, height, 0, height)?.values;
    assert.ok(shadow);
    onePass(src, want, t, { inMax, outMax: outBits === 8 ? 255 : 65535, height, shadow });
    for (const bandRows of [40, 7]) {
      const photo = { width, height, data: src.slice() };
      const dst = inBits === outBits ? undefined : { width, height, data: outBits === 8 ? new Uint8Array(n) : new Uint16Array(n) };
      await applyTransformBands(photo, t, { dst, bandRows });
      const got = (dst ?? photo).data;
      let diff = 0;
      for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]));
      // the workers read rows with no smoothed pixel as samples (code × 1/max in float32), the
      // one pass reads them as smoothed floats (code / max), and 8-bit bands are smoothed by the
      // float32 kernel: a sample may round one code apart
      assert.ok(diff <= 1, `bands of ${bandRows}: pool and one pass differ by ${diff}`);
    }
  });
}

// Float photos (a RAW, the app's working image) on the workers too: in place and into 8- or
// 16-bit output, with RAW headroom's map, deep shadows smoothed or not, against one pass of the
// references (smoothShadowRows, applyTransformRows) over the whole photo.
for (const outMax of [1, 255, 65535] as const) {
  test(`float in, ${outMax === 1 ? 'float' : outMax === 255 ? '8-bit' : '16-bit'} out: bands on workers equal one pass of the references`, async () => {
    const n = width * height * 3;
    const lifted = transform();
    for (let c = 0; c < lifted.gh * lifted.gw; c++) for (let j = 0; j < lifted.knots.length; j++) lifted.curves[c * lifted.knots.length + j] = lifted.knots[j] ** 0.25;
    // near-black speckle, brighter rows, and headroom above 1 in some of them
    const src = Float32Array.from(noise(n, 1000, 11), (v, i) => (Math.floor(i / (width * 3)) % 17 === 0 ? 0.5 + v / 600 : v / 150000));
    for (const [t, pre] of [[transform(), undefined], [lifted, undefined], [lifted, linearGainCurve(1.8)]] as const) {
      const shadow = shadowSmoothing(t) ? smoothShadowRows(src, 1, width, height, 0, height)?.values : undefined;
      const make = () => (outMax === 1 ? new Float32Array(n) : outMax === 255 ? new Uint8Array(n) : new Uint16Array(n));
      const want = make();
      applyTransformRows(src, want, width, 0, height, t, { inMax: 1, outMax, height, strength: 0.9, pre, shadow });
      for (const bandRows of [40, 7]) {
        const photo = { width, height, data: src.slice() };
        const dst = outMax === 1 ? undefined : { width, height, data: make() };
        const seen: number[] = [];
        await applyTransformBands(photo, t, { dst, strength: 0.9, pre, bandRows, onBand: (y0) => seen.push(y0) });
        const got = (dst ?? photo).data;
        let diff = 0;
        for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]));
        const what = `bands of ${bandRows}${shadow ? ', smoothed' : ''}${pre ? ', headroom' : ''}`;
        assert.ok(diff <= (outMax === 1 ? 1e-5 : 1), `${what}: pool and one pass differ by ${diff}`);
        assert.deepEqual(seen, Array.from({ length: Math.ceil(height / bandRows) }, (_, b) => b * bandRows), `${what}: every band once, in order`);
        if (dst) assert.deepEqual(photo.data, src, `${what}: the source left as it was`);
      }
    }
  });
}

test('two photos at once on the same workers: each gets its own result (band buffers are not shared between calls)', async () => {
  const t = transform();
  const n = width * height * 3;
  const a = new Uint8Array(noise(n, 255, 21));
  const b = new Uint8Array(noise(n, 255, 22));
  const want = (src: Uint8Array, strength: number) => {
    const out = new Uint8Array(n);
    onePass(src, out, t, { inMax: 255, outMax: 255, height, strength });
    return out;
  };
  const pa = { width, height, data: a.slice() };
  const pb = { width, height, data: b.slice() };
  await Promise.all([applyTransformBands(pa, t, { strength: 1, bandRows: 7 }), applyTransformBands(pb, t, { strength: 0.5, bandRows: 7 })]);
  assert.deepEqual(pa.data, want(a, 1));
  assert.deepEqual(pb.data, want(b, 0.5));
});

test('a cancel from a band report stops the reports: no band after it is reported, though others were in flight', async () => {
  const t = transform();
  const rows = 400;
  const photo = { width, height: rows, data: new Uint8Array(noise(width * rows * 3, 255, 23)) };
  const stop = new AbortController();
  const seen: number[] = [];
  const run = applyTransformBands(photo, t, {
    bandRows: 4,
    signal: stop.signal,
    onBand: (y0) => {
      seen.push(y0);
      stop.abort();
    },
  });
  await assert.rejects(run);
  assert.deepEqual(seen, [0], 'only the band whose report cancelled');
});
