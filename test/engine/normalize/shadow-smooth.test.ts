// Deep shadows smoothed before the curves (shadow-smooth.ts): what is brighter than HI comes
// back exactly as it was; a dithered near-black field keeps its level and loses its speckle;
// any band (with its margin rows) equals the same rows of the whole photo, so tiles stay
// seamless; only transforms that lift the deep shadows far ask for it; and the PyTorch twin
// (models/training/applier.py smooth_shadows) gives the same values, so training can see it.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { srgbToLinearExact } from '../../../electron/engine/image/srgb';
import { applyTransformRows, transformFromOutputs, type CurveTransform } from '../../../electron/engine/normalize/curve-apply';
import { HI, LO, MIN_LIFT, RADIUS, shadowLift, shadowSmoothing, smoothShadowRows } from '../../../electron/engine/normalize/shadow-smooth';
import { tmpDir } from '../../helpers/paths';
import { interleave, readF32, runParityDump } from '../../helpers/tensor-dump';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Left half a near-black field dithered between codes 0 and 1, right half mid-grey texture. */
function darkAndBright(width: number, height: number, seed: number, density = 0.4): Uint8Array {
  const rand = rng(seed);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) out[p + c] = x < width / 2 ? (rand() < density ? 1 : 0) : 100 + ((rand() * 40) | 0);
    }
  }
  return out;
}

test('a photo with nothing near black is left alone (undefined: no pixel changes)', () => {
  const src = new Uint8Array(20 * 10 * 3).fill(40);
  assert.equal(smoothShadowRows(src, 255, 20, 10, 0, 10), undefined);
});

test('pixels brighter than HI come back exactly; the dithered field keeps its level and loses its speckle', () => {
  const width = 64;
  const height = 48;
  const src = darkAndBright(width, height, 3);
  const got = smoothShadowRows(src, 255, width, height, 0, height);
  assert.ok(got, 'the dark half changes');
  assert.equal(got.changed.length, height);
  assert.ok(got.changed.every((c) => c === 1));
  let rawVar = 0;
  let outVar = 0;
  let rawMean = 0;
  let outMean = 0;
  let n = 0;
  const lin1 = srgbToLinearExact(1 / 255);
  for (let y = 2; y < height - 2; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      if (x >= width / 2 + 2) {
        for (let c = 0; c < 3; c++) assert.equal(got.values[p + c], Math.fround(src[p + c] / 255), `bright pixel ${x},${y} unchanged`);
      } else if (x >= 2 && x < width / 2 - 2) {
        // green, in linear light: the field's level is density · lin(1 code)
        const raw = src[p + 1] ? lin1 : 0;
        const out = srgbToLinearExact(got.values[p + 1]);
        rawMean += raw;
        outMean += out;
        rawVar += (raw - 0.4 * lin1) ** 2;
        outVar += (out - 0.4 * lin1) ** 2;
        n++;
      }
    }
  }
  assert.ok(Math.abs(outMean / rawMean - 1) < 0.02, `level kept: ${(outMean / rawMean).toFixed(3)} of the raw mean`);
  assert.ok(outVar < rawVar / 3, `speckle down: variance ${(outVar / n).toExponential(2)} against ${(rawVar / n).toExponential(2)}`);
});

for (const [name, inMax] of [
  ['8-bit', 255],
  ['16-bit', 65535],
  ['float', 1],
] as const) {
  test(`${name}: a band with its margin rows equals the same rows of the whole photo`, () => {
    const width = 23;
    const height = 31;
    const base = darkAndBright(width, height, 9, 0.6);
    const src = inMax === 255 ? base : inMax === 65535 ? Uint16Array.from(base, (v) => v * 257) : Float32Array.from(base, (v) => v / 255);
    const whole = smoothShadowRows(src, inMax, width, height, 0, height);
    assert.ok(whole);
    const row = width * 3;
    for (const [y0, y1] of [
      [0, 7],
      [7, 19],
      [19, 31],
      [30, 31],
    ]) {
      const top = Math.max(0, y0 - RADIUS);
      const bottom = Math.min(height, y1 + RADIUS);
      const band = src.slice(top * row, bottom * row);
      const got = smoothShadowRows(band, inMax, width, height, y0, y1, top);
      assert.ok(got);
      assert.deepEqual(got.values, whole.values.subarray(y0 * row, y1 * row), `rows ${y0}..${y1}`);
      assert.deepEqual(got.changed, whole.changed.subarray(y0, y1));
    }
  });
}

function liftTransform(lift: number): CurveTransform {
  const k = 24;
  const knots = Float32Array.from({ length: k }, (_, j) => (j / (k - 1)) ** 2.5);
  const gamma = 1 + Math.log(lift) / Math.log(HI); // HI^gamma / HI = lift
  const curves = new Float32Array(2 * 2 * k);
  for (let c = 0; c < 4; c++) for (let j = 0; j < k; j++) curves[c * k + j] = knots[j] ** (c === 3 ? gamma : 1);
  return { gh: 2, gw: 2, knots, curves, wb: [1, 1, 1], sat: 1, satDark: 1, dark: 0.02, wbDark: [1, 1, 1], darkWb: 0.2 };
}

test('only a transform that lifts the deep shadows MIN_LIFT-fold or more asks for the smoothing', () => {
  assert.ok(Math.abs(shadowLift(liftTransform(1)) - 1) < 1e-3, 'identity curves lift 1');
  assert.ok(Math.abs(shadowLift(liftTransform(20)) - 20) < 1, 'the strongest cell counts');
  assert.equal(shadowSmoothing(liftTransform(1)), false);
  assert.equal(shadowSmoothing(liftTransform(MIN_LIFT * 0.8)), false);
  assert.equal(shadowSmoothing(liftTransform(MIN_LIFT * 1.5)), true);
});

test('the PyTorch twin smooths the same values and gates on the same lift (within 1e-4, and through the transform)', { timeout: 180_000 }, () => {
  const dir = tmpDir('evenlight-shadow-twin-');
  try {
    const cases = runParityDump(dir, true).filter((c) => c.model === 'shadow');
    assert.deepEqual(cases.map((c) => c.graph).sort(), ['smooth', 'unlifted']);
    assert.deepEqual([...readF32(dir, cases[0].outputs.constants)], [LO, HI, MIN_LIFT].map(Math.fround), 'the same thresholds on both sides');
    for (const c of cases) {
      const [, , h, w] = c.inputs.rgb.shape;
      const [, , gh, gw] = c.inputs.curves.shape;
      const t = transformFromOutputs(readF32(dir, c.inputs.curves), readF32(dir, c.inputs.color), readF32(dir, c.inputs.knots), gh, gw);
      const lift = readF32(dir, c.outputs.lift)[0];
      assert.ok(Math.abs(shadowLift(t) - lift) <= 1e-4 * lift, `${c.graph}: lift ${shadowLift(t)} vs twin ${lift}`);
      assert.equal(shadowSmoothing(t), c.graph === 'smooth');
      // the engine reads 8-bit codes; the twin their values / 255
      const rgb = interleave(readF32(dir, c.inputs.rgb), h, w);
      const codes = Uint8Array.from(rgb, (v) => Math.round(v * 255));
      const smoothed = interleave(readF32(dir, c.outputs.smoothed), h, w);
      const got = shadowSmoothing(t) ? smoothShadowRows(codes, 255, w, h, 0, h)?.values : undefined;
      const reads = got ?? rgb;
      let maxDiff = 0;
      let moved = 0;
      for (let i = 0; i < reads.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(reads[i] - smoothed[i]));
        moved = Math.max(moved, Math.abs(smoothed[i] - rgb[i]));
      }
      assert.ok(maxDiff <= 1e-4, `${c.graph}: smoothed values, max abs diff ${maxDiff}`);
      if (c.graph === 'smooth') assert.ok(moved > 2 / 255, `the smoothing moves codes (${moved * 255} codes)`);
      const out = new Float32Array(reads.length);
      applyTransformRows(reads, out, w, 0, h, t, { inMax: 1, outMax: 1, height: h });
      const want = interleave(readF32(dir, c.outputs.output), h, w);
      let outDiff = 0;
      for (let i = 0; i < out.length; i++) outDiff = Math.max(outDiff, Math.abs(out[i] - want[i]));
      assert.ok(outDiff <= 1e-4, `${c.graph}: smoothed and transformed, max abs diff ${outDiff}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
