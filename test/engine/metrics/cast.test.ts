import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { castAgainst, castReference, colourCast, labFromSrgb, neutralMidtones, srgbToLab } from '../../../electron/engine/metrics/cast';
import type { RgbFloat } from '../../../electron/engine/image/types';

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

test('sRGB -> CIELAB (D65) matches published values for the primaries and neutrals', () => {
  // Bruce Lindbloom's calculator, sRGB D65 -> Lab D65
  const known: Array<[[number, number, number], [number, number, number]]> = [
    [[1, 0, 0], [53.2408, 80.0925, 67.2032]],
    [[0, 1, 0], [87.7347, -86.1827, 83.1793]],
    [[0, 0, 1], [32.297, 79.1875, -107.8602]],
    [[1, 1, 1], [100, 0, 0]],
  ];
  for (const [rgb, lab] of known) {
    const got = srgbToLab(...rgb);
    for (let c = 0; c < 3; c++) near(got[c], lab[c], 0.01, `${rgb} channel ${c}`);
  }
  // any grey is exactly neutral
  for (const v of [0.02, 0.2, 0.5, 0.9]) {
    const [, a, b] = srgbToLab(v, v, v);
    near(a, 0, 1e-9, `a* of grey ${v}`);
    near(b, 0, 1e-9, `b* of grey ${v}`);
  }
  near(srgbToLab(0.5, 0.5, 0.5)[0], 53.3889, 0.001, 'L* of grey 0.5');
});

test('labFromSrgb agrees with OpenCV cvtColor(RGB2Lab) on 8-bit colours', () => {
  const n = 200;
  const data = new Float32Array(n * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = Math.floor((s / 2147483648) * 256) / 255;
  }
  const ours = labFromSrgb(data);
  const py = `import sys, json, numpy as np, cv2
v = np.array(json.loads(sys.stdin.read()), np.float32).reshape(1, -1, 3) / 255
print(json.dumps(cv2.cvtColor(v, cv2.COLOR_RGB2Lab).reshape(-1).tolist()))`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(Array.from(data, (v) => Math.round(v * 255))), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const cv = JSON.parse(r.stdout) as number[];
  let maxL = 0, maxAb = 0, sum = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i] - cv[i]);
    sum += d;
    if (i % 3 === 0) maxL = Math.max(maxL, d);
    else maxAb = Math.max(maxAb, d);
  }
  // OpenCV's float path interpolates coarse tables (L* of grey 100/255: 42.23 there, 42.37 exact)
  assert.ok(maxL < 0.25, `L* max diff ${maxL}`);
  assert.ok(maxAb < 0.5, `a*b* max diff ${maxAb}`);
  assert.ok(sum / ours.length < 0.1, `mean diff ${sum / ours.length}`);
  console.log(`vs OpenCV: L* max diff ${maxL.toFixed(3)}, a*b* ${maxAb.toFixed(3)}, mean ${(sum / ours.length).toFixed(3)}`);
});

function image(w: number, h: number, px: (x: number, y: number) => [number, number, number]): RgbFloat {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(px(x, y), (y * w + x) * 3);
  return { width: w, height: h, data };
}

test('cast: mean (a*, b*) shift on the reference\'s neutral mid-tones only', () => {
  const w = 40, h = 10;
  // columns 0..9 saturated red, 10..19 near-black (L* < 15), 20..39 greys of two levels
  const zone = (x: number): 'red' | 'black' | 'grey' => (x < 10 ? 'red' : x < 20 ? 'black' : 'grey');
  const grey = (y: number): number => (y < 5 ? 100 : 180) / 255;
  const ref = image(w, h, (x, y) => (zone(x) === 'red' ? [0.9, 0.1, 0.1] : zone(x) === 'black' ? [0.03, 0.03, 0.03] : [grey(y), grey(y), grey(y)]));
  const mask = neutralMidtones(labFromSrgb(ref.data));
  assert.equal(mask.length, 20 * h);
  assert.ok([...mask].every((p) => p % w >= 20));

  // a pure brightness change keeps neutrals neutral: no cast
  const brighter = image(w, h, (x, y) => { const v = Math.min(1, grey(y) * 1.3); return [v, v, v]; });
  near(colourCast(brighter, ref).cast, 0, 1e-9, 'brightness only');

  // greens everywhere: the masked greys tell the shift; red and black pixels do not count
  const tint = (v: number): [number, number, number] => [v, Math.min(1, v + 20 / 255), v];
  const out = image(w, h, (x, y) => (zone(x) === 'grey' ? tint(grey(y)) : [0, 1, 0]));
  const r = colourCast(out, ref);
  const lo = srgbToLab(...tint(grey(0))), hi = srgbToLab(...tint(grey(9)));
  const da = (lo[1] + hi[1]) / 2, db = (lo[2] + hi[2]) / 2;
  near(r.da, da, 1e-3, 'da');
  near(r.db, db, 1e-3, 'db');
  near(r.cast, Math.hypot(da, db), 1e-3, 'cast');
  assert.ok(r.cast > 10 && r.da < 0, `green tint of 20 codes: cast ${r.cast}, da ${r.da}`);
  assert.equal(r.n, 20 * h);

  // the reference's own (slight) tint is subtracted: a result equal to the reference has no cast
  const warm = image(w, h, () => [0.53, 0.5, 0.46]);
  const wr = castReference(warm);
  assert.ok(wr.b > 3 && wr.idx.length === w * h, `b* ${wr.b}, ${wr.idx.length} px`);
  near(castAgainst(warm, wr).cast, 0, 1e-9, 'reference against itself');
});

test('cast is NaN without neutral mid-tones, and sizes must match', () => {
  const red = image(4, 4, () => [1, 0, 0]);
  const r = colourCast(red, red);
  assert.ok(Number.isNaN(r.cast));
  assert.equal(r.n, 0);
  assert.throws(() => colourCast(image(3, 4, () => [0.5, 0.5, 0.5]), image(4, 4, () => [0.5, 0.5, 0.5])), /size mismatch/);
});
