// The shipped v2 model end to end: the network once on the thumbnail, the transform over the
// photo in 224×224 tiles (normalizeAi, the app's and eval's path) and on the decoded 8-bit
// integers on every core (normalizeFile's fast path, the CLI's and batch's). Both give the
// same pixels; tiles cover the photo once and agree with one whole-photo pass.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { readImage } from '../../../electron/engine/image/io';
import type { Rect } from '../../../electron/engine/image/types';
import { defaultModelDir } from '../../../electron/engine/settings';
import { getModel } from '../../../electron/engine/model/session';
import { normalizeAi, predictTransform } from '../../../electron/engine/normalize/ai';
import { areaResizeNchw } from '../../../electron/engine/normalize/thumbnail';
import { applyTransformRows } from '../../../electron/engine/normalize/curve-apply';
import { shadowKernel } from '../../../electron/engine/normalize/shadow-smooth-wasm';
import { wasmKernel } from '../../../electron/engine/normalize/curve-apply-wasm';
import { shadowSmoothing, smoothShadowRows } from '../../../electron/engine/normalize/shadow-smooth';
import { normalizeFile } from '../../../electron/engine/pipeline';
import { dataPath, tmpDir } from '../../helpers/paths';

const dir = tmpDir('evenlight-ai-v2-');
after(() => rmSync(dir, { recursive: true, force: true }));

// a dark real frame several tiles wide (1200×800: 6×4 tiles)
const src = () => dataPath('brackets', 'hangxiaotian_df_seq_30', 'scene.json');

async function darkFrame(): Promise<string> {
  const sj = (await import(src(), { with: { type: 'json' } })) as { default: { exposures: Array<{ file: string }> } };
  return join(src(), '..', sj.default.exposures[0].file);
}

test('the shipped model is v2: one transform graph, no tile graph', async () => {
  const s = await getModel(defaultModelDir());
  assert.equal(s.hasTransform, true);
  assert.ok(s.manifest.transform, 'manifest has a transform graph');
});

test('tiles cover the photo once, agree with one whole-photo pass, and brighten a dark frame', async () => {
  const { image } = await readImage(await darkFrame());
  const s = await getModel(defaultModelDir());
  const seen = new Uint8Array(image.width * image.height);
  const tiled = await normalizeAi(image, s, {
    onTile: (e) => {
      assert.ok(e.rect.w <= 224 && e.rect.h <= 224);
      for (let y = 0; y < e.rect.h; y++) for (let x = 0; x < e.rect.w; x++) seen[(e.rect.y + y) * image.width + e.rect.x + x]++;
    },
  });
  assert.ok(seen.every((v) => v === 1), 'every pixel in exactly one tile');
  const t = await predictTransform(s, areaResizeNchw(image, s.contextSize));
  const whole = new Float32Array(image.data.length);
  // this dark frame's deep shadows are smoothed first (shadow-smooth.ts, by its SIMD kernel where
  // the install has it): over the whole photo at once here
  assert.ok(shadowSmoothing(t), 'the transform lifts the deep shadows far enough to smooth them');
  const shadow = (shadowKernel() ?? smoothShadowRows)(image.data, 1, image.width, image.height, 0, image.height)?.values;
  const io = { inMax: 1, outMax: 1, height: image.height, shadow };
  // the engine's SIMD kernel where the install has it: bit for bit over the whole photo at once
  const simd = wasmKernel();
  if (simd) simd.applyRows(image.data, whole, image.width, 0, image.height, t, io);
  else applyTransformRows(image.data, whole, image.width, 0, image.height, t, io);
  const seam = tiled.data.findIndex((v, i) => v !== whole[i]);
  assert.equal(seam, -1, `tiled == whole-photo pass (sample ${seam} differs)`);
  // and within float32 of the reference applier on the reference smoothing
  const ref = new Float32Array(image.data.length);
  applyTransformRows(image.data, ref, image.width, 0, image.height, t, { ...io, shadow: smoothShadowRows(image.data, 1, image.width, image.height, 0, image.height)?.values });
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - whole[i]));
  assert.ok(worst <= 1e-5, `${worst} from smoothShadowRows and applyTransformRows`);
  const mean = (a: Float32Array) => a.reduce((x, v) => x + v, 0) / a.length;
  assert.ok(mean(tiled.data) > mean(image.data) + 0.05, `a dark frame is brightened (${mean(image.data).toFixed(3)} -> ${mean(tiled.data).toFixed(3)})`);
});

test('the 8-bit fast path of normalizeFile gives the float path\'s pixels, and strength 0 the original', async () => {
  const input = await darkFrame();
  const fast = join(dir, 'fast.png');
  const r = await normalizeFile(input, fast, { mode: 'ai' });
  assert.equal(r.report.mode, 'ai');
  const { image } = await readImage(input);
  const s = await getModel(defaultModelDir());
  const float = await normalizeAi(image, s);
  const { data } = await sharp(fast).raw().toBuffer({ resolveWithObject: true });
  let worst = 0;
  for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i] - Math.round(Math.min(1, Math.max(0, float.data[i])) * 255)));
  assert.ok(worst <= 1, `fast and float paths differ by ${worst} code values`);
  const none = join(dir, 'none.png');
  await normalizeFile(input, none, { mode: 'ai', strength: 0 });
  const [a, b] = await Promise.all([sharp(none).raw().toBuffer(), sharp(input).raw().toBuffer()]);
  assert.ok(a.equals(b), 'strength 0 returns the photo unchanged');
});

test('a 16-bit PNG comes out a 16-bit PNG, through the integer fast path and the float path (a metering rectangle)', async () => {
  const { data, info } = await sharp(await darkFrame()).resize(320).raw().toBuffer({ resolveWithObject: true });
  const u16 = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) u16[i] = data[i] * 257 + (i % 200); // codes between the 8-bit steps
  const input = join(dir, 'deep.png');
  await sharp(u16, { raw: { width: info.width, height: info.height, channels: 3 } }).toColourspace('rgb16').png().toFile(input);
  const cases: Array<[string, { rois?: Rect[] }]> = [['fast', {}], ['roi', { rois: [{ x: 10, y: 10, w: 100, h: 80 }] }]];
  for (const [name, opts] of cases) {
    const out = join(dir, `deep-${name}.png`);
    const r = await normalizeFile(input, out, { mode: 'ai', ...opts });
    assert.equal(r.report.mode, 'ai');
    const m = await sharp(out).metadata();
    assert.equal(m.depth, 'ushort', `${name}: 16-bit kept`);
    const px = await sharp(out).raw({ depth: 'ushort' }).toBuffer();
    const samples = new Uint16Array(px.buffer, px.byteOffset, px.length / 2);
    assert.ok(samples.some((v) => v % 257 !== 0), `${name}: values between the 8-bit codes survive`);
  }
});
