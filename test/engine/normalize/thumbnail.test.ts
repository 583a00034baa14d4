// The network's thumbnail (thumbnail.ts): area weights keep the mean, crops, integer samples
// summed exactly, and the SIMD kernel for 8-bit photos (thumbnail-wasm.ts) equal to the
// JavaScript pass but for float rounding, whatever the width (its steps of sixteen bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaResizeNchw } from '../../../electron/engine/normalize/thumbnail';
import { areaResize8 } from '../../../electron/engine/normalize/thumbnail-wasm';
import { linearGainCurve } from '../../../electron/engine/normalize/headroom';

test('areaResizeNchw keeps the mean, handles up- and down-scaling and crops', () => {
  for (const [w, h] of [[1000, 300], [50, 20], [1, 1]] as const) {
    const data = new Float32Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 1000) / 1000;
    const img = { width: w, height: h, data };
    const t = areaResizeNchw(img, 224);
    assert.equal(t.length, 3 * 224 * 224);
    for (let c = 0; c < 3; c++) {
      let a = 0;
      let b = 0;
      for (let p = 0; p < w * h; p++) a += data[p * 3 + c];
      for (let p = 0; p < 224 * 224; p++) b += t[c * 224 * 224 + p];
      assert.ok(Math.abs(a / (w * h) - b / (224 * 224)) < 2e-3, `${w}x${h} channel ${c}`);
    }
  }
  const img = { width: 4, height: 4, data: new Float32Array(48).fill(0.1) };
  img.data.fill(0.9, 0, 6); // pixels (0,0),(1,0)
  const crop = areaResizeNchw(img, 2, { x: 0, y: 0, w: 2, h: 1 });
  assert.ok(Math.abs(crop[0] - 0.9) < 1e-6 && Math.abs(crop[3] - 0.9) < 1e-6);
});

test('areaResizeNchw on 8- and 16-bit samples (summed as integers) equals the float path', () => {
  for (const [w, h, rect] of [[1001, 333, undefined], [300, 500, { x: 7, y: 11, w: 250, h: 401 }], [224, 224, undefined], [100, 60, undefined], [1, 1, undefined]] as const) {
    for (const max of [255, 65535]) {
      const ints = max === 255 ? new Uint8Array(w * h * 3) : new Uint16Array(w * h * 3);
      for (let i = 0; i < ints.length; i++) ints[i] = (i * 7919 + (i >> 5) * 104729) % (max + 1);
      const floats = Float32Array.from(ints, (v) => v / max);
      const a = areaResizeNchw({ width: w, height: h, data: ints }, 224, rect, 1, 1 / max);
      const b = areaResizeNchw({ width: w, height: h, data: floats }, 224, rect);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      assert.ok(worst < 1e-5, `${w}x${h} ${max}: ${worst}`);
    }
  }
});

test('the SIMD thumbnail of 8-bit samples equals the JavaScript pass', () => {
  for (const [w, h, rect] of [[7360 / 8, 613, undefined], [1001, 333, undefined], [300, 500, { x: 7, y: 11, w: 250, h: 401 }], [225, 449, undefined], [5, 3, undefined], [1, 1, undefined]] as const) {
    const d = new Uint8Array(w * h * 3);
    for (let i = 0; i < d.length; i++) d[i] = (i * 7919 + (i >> 5) * 104729) % 256;
    const r = rect ?? { x: 0, y: 0, w, h };
    const simd = areaResize8(d, w, r, 224, 1 / 255);
    assert.ok(simd, 'dist/wasm/area8.wasm missing or not loadable: run npm run build');
    // the same samples as 16-bit take the JavaScript integer pass
    const js = areaResizeNchw({ width: w, height: h, data: Uint16Array.from(d) }, 224, rect, 1, 1 / 255);
    let worst = 0;
    for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(simd[i] - js[i]));
    assert.ok(worst < 1e-6, `${w}x${h}: ${worst}`);
  }
});

test('a float photo with RAW headroom: each sample through the headroom map, clamped to 0..1, then area-resized', () => {
  // a NaN sample (a broken decode) reads as black rather than poisoning its cell
  const nan = areaResizeNchw({ width: 2, height: 1, data: Float32Array.of(NaN, 0.5, 0.5, 0.5, 0.5, 0.5) }, 1, undefined, 0.5);
  assert.ok(nan.every((v) => Number.isFinite(v)));
  for (const [w, h, rect] of [[1001, 333, undefined], [300, 500, { x: 7, y: 11, w: 250, h: 401 }], [3, 2, undefined]] as const) {
    const data = new Float32Array(w * h * 3);
    // 0..2.4 with some below 0: clamped, beyond the map's table, and inside it
    for (let i = 0; i < data.length; i++) data[i] = i % 97 === 0 ? -0.05 : (((i * 7919) % 1000) / 1000) * 2.4;
    for (const gain of [1, 0.31]) {
      const map = linearGainCurve(gain);
      // the reference: the map called on each sample (its exact formula beyond the table), then a resize of samples already in 0..1
      const mapped = Float32Array.from(data, (v) => Math.min(1, Math.max(0, map(v))));
      const want = areaResizeNchw({ width: w, height: h, data: mapped }, 224, rect);
      const got = areaResizeNchw({ width: w, height: h, data }, 224, rect, gain);
      // the same at twice the values with a scale of 1/2
      const scaled = areaResizeNchw({ width: w, height: h, data: Float32Array.from(data, (v) => v * 2) }, 224, rect, gain, 0.5);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      assert.ok(worst < 1e-6, `${w}x${h} gain ${gain}: ${worst} from the reference`);
      const at = got.findIndex((v, i) => v !== scaled[i]);
      assert.equal(at, -1, `${w}x${h} gain ${gain}: a scale of 1/2 on twice the values gives value ${at} as ${scaled[at]}, not ${got[at]}`);
      assert.ok(got.every((v) => v >= 0 && v <= 1), 'clamped to 0..1');
    }
  }
});
