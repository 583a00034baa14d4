// A black-and-white photo stays black and white (neutral.ts): a thumbnail whose channels agree
// reads as grey, and the shipped model's transform of a real grey photo then has no white
// balance, so every output pixel keeps R = G = B; the network's own gains would have tinted it,
// and a colour photo keeps them.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readImage } from '../../../electron/engine/image/io';
import { getModel } from '../../../electron/engine/model/session';
import { predictTransform } from '../../../electron/engine/normalize/ai';
import { applyTransformRows, transformFromOutputs } from '../../../electron/engine/normalize/curve-apply';
import { chromaSpread, isNeutral, NEUTRAL_TOLERANCE, neutralColour } from '../../../electron/engine/normalize/neutral';
import { areaResizeNchw } from '../../../electron/engine/normalize/thumbnail';
import { defaultModelDir } from '../../../electron/engine/settings';
import { dataPath } from '../../helpers/paths';

const N = 16;

function greyThumb(): Float32Array {
  const t = new Float32Array(3 * N * N);
  for (let i = 0; i < N * N; i++) t[i] = t[N * N + i] = t[2 * N * N + i] = (i % 97) / 96;
  return t;
}

test('a thumbnail reads as grey while its channels agree to within a code, and not once one pixel differs by two', () => {
  const t = greyThumb();
  assert.equal(isNeutral(t), true);
  t[5] += 0.9 * NEUTRAL_TOLERANCE;
  t[2 * N * N + 9] -= 0.9 * NEUTRAL_TOLERANCE;
  assert.equal(isNeutral(t), true, 'JPEG rounding');
  t[N * N + 200] += 2 / 255;
  assert.equal(isNeutral(t), false, 'one pixel two codes off green');
});

test('neutralColour sets both white balances to one and keeps the curves and saturation', () => {
  const t = transformFromOutputs(new Float32Array([0, 0.5, 1]), new Float32Array([1.1, 0.95, 0.9, 1.2, 0.8, 0.05, 1.05, 1, 0.9, 0.2]), [0, 0.5, 1], 1, 1);
  const n = neutralColour(t);
  assert.deepEqual(n.wb, [1, 1, 1]);
  assert.deepEqual(n.wbDark, [1, 1, 1]);
  assert.equal(n.curves, t.curves);
  assert.equal(n.sat, t.sat);
  assert.deepEqual(t.wb.map((v) => Math.round(v * 100) / 100), [1.1, 0.95, 0.9], 'the input is left as it was');
});

test('the shipped model keeps a real black-and-white photo neutral, and a colour photo keeps its white balance', async () => {
  // a frame of a real black-and-white bracket (stored as RGB JPEG): 1.02 of cast before this step
  const { image: grey } = await readImage(dataPath('brackets', 'ghostfreehdr_fabia', 'Grey_Image_000.jpg'));
  const { image } = await readImage(dataPath('brackets', 'merianos_flowers', 'Flowers1.jpg'));
  const s = await getModel(defaultModelDir());
  const tg = s.manifest.transform;
  assert.ok(tg);
  const gth = areaResizeNchw(grey, s.contextSize);
  // what the network alone would do to it: gains that tint (measured 2026-12-06: blue × 0.973)
  const raw = await s.runTransform(gth);
  const own = transformFromOutputs(raw.curves, raw.color, tg.knots, tg.grid[0], tg.grid[1]);
  assert.ok(Math.max(...own.wb.map((v) => Math.abs(v - 1))) > 1e-3, `the network's gains ${own.wb.join(', ')}`);
  const t = await predictTransform(s, gth);
  assert.deepEqual(t.wb, [1, 1, 1]);
  assert.deepEqual(t.wbDark, [1, 1, 1]);
  const out = new Float32Array(grey.data.length);
  applyTransformRows(grey.data, out, grey.width, 0, grey.height, t, { inMax: 1, outMax: 1, height: grey.height });
  let lifted = 0;
  for (let p = 0; p < out.length; p += 3) {
    assert.ok(out[p] === out[p + 1] && out[p + 1] === out[p + 2], `pixel ${p / 3}: ${out[p]}, ${out[p + 1]}, ${out[p + 2]}`);
    lifted += out[p] - grey.data[p];
  }
  assert.ok(lifted / (out.length / 3) > 0.1, `the dark frame is still lifted (${(lifted / (out.length / 3)).toFixed(3)})`);
  const colour = await predictTransform(s, areaResizeNchw(image, s.contextSize));
  assert.notDeepEqual(colour.wb, [1, 1, 1], 'a colour photo keeps the network\'s white balance');
});

test('the darkest colour frames of the data are not taken for grey: their thumbnails differ by 20 codes or more somewhere', async () => {
  for (const [scene, file] of [
    ['manuxxxxx_madison_capitol', 'aligned_00241.png'],
    ['manuxxxxx_candle', 'IMGP6081.png'],
    ['hangxiaotian_seven_eleven_night', 'SevenNight_1_320.jpg'],
  ]) {
    const { image } = await readImage(dataPath('brackets', scene, file));
    const t = areaResizeNchw(image, 224);
    const most = chromaSpread(t);
    assert.ok(most * 255 >= 20, `${scene}/${file}: ${(most * 255).toFixed(1)} codes`);
    assert.equal(isNeutral(t), false, file);
  }
});
