import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAi } from '../../../electron/engine/normalize/ai';
import { applyLinearGain, headroomScale } from '../../../electron/engine/normalize/headroom';
import { loadModel } from '../../../electron/engine/model/session';
import { makeTestModel } from '../../helpers/onnx-models';

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
