// The TypeScript applier (electron/engine/normalize/curve-apply.ts) against its PyTorch twin
// (models/training/applier.py), which training scores the network through: same inputs,
// outputs within 1e-4. Plus the properties the design promises: neutrals stay neutral, one
// gain per pixel (hue kept), highlights above 1 compressed (never clipped per channel), any
// banding of the photo gives the same pixels, and 8/16-bit samples match the float path.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { applyTransformRows, fromLight, toLight, transformFromOutputs, type CurveTransform } from '../../../electron/engine/normalize/curve-apply';
import { tmpDir } from '../../helpers/paths';
import { interleave, readF32, runParityDump, type DumpCase as Case } from '../../helpers/tensor-dump';

let dir = '';
let cases: Case[] = [];
before(() => {
  dir = tmpDir('evenlight-applier-');
  cases = runParityDump(dir, true).filter((c) => c.model === 'applier');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function caseTransform(c: Case): { rgb: Float32Array; h: number; w: number; t: CurveTransform; want: Float32Array } {
  const [, , h, w] = c.inputs.rgb.shape;
  const [, k, gh, gw] = c.inputs.curves.shape;
  const t = transformFromOutputs(readF32(dir, c.inputs.curves), readF32(dir, c.inputs.color), readF32(dir, c.inputs.knots), gh, gw);
  assert.equal(t.knots.length, k);
  return { rgb: interleave(readF32(dir, c.inputs.rgb), h, w), h, w, t, want: interleave(readF32(dir, c.outputs.output), h, w) };
}

test('TypeScript applier matches the PyTorch twin within 1e-4', () => {
  assert.ok(cases.length >= 2, 'the dump has applier cases');
  for (const c of cases) {
    const { rgb, h, w, t, want } = caseTransform(c);
    const got = new Float32Array(rgb.length);
    applyTransformRows(rgb, got, w, 0, h, t, { inMax: 1, outMax: 1, height: h });
    let maxDiff = 0;
    let changed = 0;
    for (let i = 0; i < want.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      changed = Math.max(changed, Math.abs(want[i] - Math.min(1, rgb[i])));
    }
    assert.ok(maxDiff <= 1e-4, `${c.graph}: max abs diff ${maxDiff}`);
    assert.ok(changed > 0.05, `${c.graph}: the transform changes the photo (max change ${changed})`);
  }
});

test('any banding of the photo gives the same pixels (seamless by construction), in place too', () => {
  const { rgb, h, w, t } = caseTransform(cases[1]);
  const whole = new Float32Array(rgb.length);
  applyTransformRows(rgb, whole, w, 0, h, t, { inMax: 1, outMax: 1, height: h });
  const banded = rgb.slice();
  for (let y = 0; y < h; y += 7) applyTransformRows(banded, banded, w, y, Math.min(h, y + 7), t, { inMax: 1, outMax: 1, height: h });
  assert.deepEqual(banded, whole);
});

test('neutrals stay neutral, hue is kept, and values above 1 are compressed to at most 1', () => {
  const { t } = caseTransform(cases[1]);
  const neutral: CurveTransform = { ...t, wb: [1, 1, 1], sat: 1, satDark: 1, dark: 0.01, wbDark: [1, 1, 1], darkWb: 1 };
  const w = 50;
  const src = new Float32Array(w * 3);
  for (let x = 0; x < w; x++) {
    const v = (x / (w - 1)) * 1.8; // up to RAW headroom
    src.set(x % 2 ? [v, v, v] : [v, v * 0.5, v * 0.25], x * 3);
  }
  const out = new Float32Array(src.length);
  applyTransformRows(src, out, w, 0, 1, neutral, { inMax: 1, outMax: 1, height: 1 });
  for (let x = 1; x < w; x++) {
    const [r, g, b] = out.subarray(x * 3, x * 3 + 3);
    assert.ok(Math.max(r, g, b) <= 1, `x=${x}: no channel past 1`);
    if (x % 2) assert.ok(Math.abs(r - g) < 1e-6 && Math.abs(g - b) < 1e-6, `x=${x}: grey stays grey (${r}, ${g}, ${b})`);
    else {
      // one gain for all channels, in light: the input's ratios in light survive, also where it was above 1
      const v = src[x * 3];
      const [lr, lg, lb] = [toLight(r), toLight(g), toLight(b)];
      const want = [toLight(v * 0.5) / toLight(v), toLight(v * 0.25) / toLight(v)];
      assert.ok(Math.abs(lg / lr - want[0]) < 1e-4 && Math.abs(lb / lr - want[1]) < 1e-4, `x=${x}: hue kept (${r}, ${g}, ${b})`);
    }
  }
  const top = out.subarray((w - 1) * 3, w * 3);
  assert.ok(Math.abs(top[0] - 1) < 1e-6, 'the brightest pixel lands at 1, compressed rather than clipped per channel');
});

test('toLight is 0 at 0 and 1 at 1, near linear at black, increasing, and fromLight undoes it', () => {
  assert.equal(toLight(0), 0);
  assert.ok(Math.abs(toLight(1) - 1) < 1e-12);
  // local gamma d ln T / d ln e: 1 at black (ratios kept as they are), larger above (compressed)
  const gamma = (e: number): number => (Math.log(toLight(e * 1.0001)) - Math.log(toLight(e))) / Math.log(1.0001);
  assert.ok(Math.abs(gamma(1e-4) - 1) < 1e-3 && gamma(0.5) > 1.5, `local gamma ${gamma(1e-4)} at black, ${gamma(0.5)} at 0.5`);
  let prev = -1;
  for (let e = 0; e <= 1.8; e += 0.0137) {
    const v = toLight(e);
    assert.ok(v > prev, 'increasing');
    prev = v;
    assert.ok(Math.abs(fromLight(v) - e) < 1e-9, `fromLight(toLight(${e}))`);
  }
});

test('a dark warm pixel brightened keeps its ratios in light, not its encoded ones', () => {
  // identity colour step, a flat curve that lifts everything to 0.5
  const { t } = caseTransform(cases[1]);
  const k = t.knots.length;
  const lift: CurveTransform = { ...t, gh: 1, gw: 1, curves: new Float32Array(k).fill(0.5).map((v, j) => (j ? v + j * 1e-4 : 0)), wb: [1, 1, 1], sat: 1, satDark: 1, dark: 0.01, wbDark: [1, 1, 1], darkWb: 1 };
  const src = Float32Array.of(0.06, 0.03, 0.012); // near black, where a camera's encoding is near linear
  const out = new Float32Array(3);
  applyTransformRows(src, out, 1, 0, 1, lift, { inMax: 1, outMax: 1, height: 1 });
  const want = toLight(src[1]) / toLight(src[0]);
  assert.ok(Math.abs(toLight(out[1]) / toLight(out[0]) - want) < 1e-4, 'G:R in light kept');
  // encoded, the mid-tone result is less extreme than the input: a gain on encoded values would have kept 0.5
  assert.ok(out[1] / out[0] > 0.58, `encoded G:R ${out[1] / out[0]}`);
});

test('the dark white balance holds in the shadows and fades out above its scale; 6 values mean none', () => {
  const c = cases.find((x) => x.graph === 'dark-balance');
  assert.ok(c, 'the dump has a dark-balance case');
  const { t } = caseTransform(c);
  assert.notDeepEqual(t.wbDark, t.wb);
  // identity curves: the output is the colour step alone
  const flat: CurveTransform = { ...t, gh: 1, gw: 1, curves: Float32Array.from(t.knots), sat: 1, satDark: 1 };
  const ratio = (v: number, tr: CurveTransform): number => {
    const out = new Float32Array(3);
    applyTransformRows(Float32Array.of(v, v, v), out, 1, 0, 1, tr, { inMax: 1, outMax: 1, height: 1 });
    return out[2] / out[0];
  };
  const want = (w: [number, number, number]): number => w[2] / w[0];
  assert.ok(Math.abs(ratio(0.002, flat) - want(t.wbDark)) < 0.01, `deep shadows take wbDark (${ratio(0.002, flat)})`);
  assert.ok(Math.abs(ratio(0.95, flat) - want(t.wb)) < 0.05, `highlights keep wb (${ratio(0.95, flat)})`);
  // a 6-value colour output is the same transform as a 10-value one whose wbDark is wb
  const color6 = Float32Array.of(...t.wb, t.sat, t.satDark, t.dark);
  const short = transformFromOutputs(Float32Array.from(t.knots), color6, t.knots, 1, 1);
  const long = transformFromOutputs(Float32Array.from(t.knots), Float32Array.of(...color6, ...t.wb, 0.1), t.knots, 1, 1);
  const src = Float32Array.from({ length: 300 }, (_, i) => ((i * 37) % 101) / 100);
  const a = new Float32Array(src.length);
  const b = new Float32Array(src.length);
  applyTransformRows(src, a, 100, 0, 1, short, { inMax: 1, outMax: 1, height: 1 });
  applyTransformRows(src, b, 100, 0, 1, long, { inMax: 1, outMax: 1, height: 1 });
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `sample ${i}`);
  assert.throws(() => transformFromOutputs(Float32Array.from(t.knots), new Float32Array(7), t.knots, 1, 1), /6 or 10/);
});

test('8- and 16-bit samples give the float result, rounded', () => {
  const { rgb, h, w, t } = caseTransform(cases[0]);
  const f = new Float32Array(rgb.length);
  const u8 = Uint8Array.from(rgb, (v) => Math.round(Math.min(1, v) * 255));
  const u16 = Uint16Array.from(rgb, (v) => Math.round(Math.min(1, v) * 65535));
  applyTransformRows(Float32Array.from(u8, (v) => v / 255), f, w, 0, h, t, { inMax: 1, outMax: 1, height: h });
  const o8 = new Uint8Array(u8.length);
  applyTransformRows(u8, o8, w, 0, h, t, { inMax: 255, outMax: 255, height: h });
  for (let i = 0; i < f.length; i++) assert.ok(Math.abs(o8[i] - f[i] * 255) <= 0.5 + 1e-3, `8-bit sample ${i}`);
  const o16 = new Uint16Array(u16.length);
  applyTransformRows(u16, o16, w, 0, h, t, { inMax: 65535, outMax: 65535, height: h });
  const f16 = new Float32Array(rgb.length);
  applyTransformRows(Float32Array.from(u16, (v) => v / 65535), f16, w, 0, h, t, { inMax: 1, outMax: 1, height: h });
  for (let i = 0; i < f16.length; i++) assert.ok(Math.abs(o16[i] - f16[i] * 65535) <= 0.5 + 0.05, `16-bit sample ${i}`);
});
