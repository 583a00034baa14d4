import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaResizeNchw, normalizeAi } from '../../../electron/engine/normalize/ai';
import { applyLinearGain, headroomScale } from '../../../electron/engine/normalize/headroom';
import { loadModel } from '../../../electron/engine/model/session';
import { makeTestModel } from '../../helpers/onnx-models';

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

test('RAW headroom is fitted into the network range in linear light, keeping hue', async () => {
  const s = await loadModel(makeTestModel({ noContext: true }), { provider: 'cpu' });
  // one bright, coloured highlight (2, 1.5, 0.4) among mid-tones
  const px = [0, 0.5, 1, 2, 1.5, 0.4, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2];
  const img = { width: 3, height: 2, data: new Float32Array(px) };
  const gain = headroomScale(img);
  assert.ok(gain < 1, 'a photo with values above 1 is scaled down');
  const out = await normalizeAi(img, s);
  // the test model maps v -> 0.5 v + 0.25 on what it is fed
  px.forEach((v, i) => {
    const fed = Math.min(1, applyLinearGain(v, gain));
    const want = 0.5 * fed + 0.25;
    assert.ok(Math.abs(out.data[i] - want) < 1e-4, `${i}: ${out.data[i]} vs ${want}`);
  });
  // the highlight's channels stay distinct (no channel clipped flat): hue survives
  assert.ok(out.data[3] > out.data[4] && out.data[4] > out.data[5]);
  await s.release();
});
