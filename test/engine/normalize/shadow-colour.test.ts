// Shadow colour (shadow-colour.ts): the user's say over how much colour a lifted frame's
// darkest values keep. The shipped model greys them (their colour in a real dark frame is mostly
// noise); a clean photo made dark here, run through the whole product, gets its colour back at 1
// and nothing changes at 0, the default.
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { readImage } from '../../../electron/engine/image/io';
import { linearToSrgbExact, srgbToLinearExact } from '../../../electron/engine/image/srgb';
import { labFromSrgb } from '../../../electron/engine/metrics/cast';
import { psnr } from '../../../electron/engine/metrics/psnr';
import { transformFromOutputs } from '../../../electron/engine/normalize/curve-apply';
import { normalizeImage } from '../../../electron/engine/normalize/index';
import { withShadowColour } from '../../../electron/engine/normalize/shadow-colour';
import { normalizeFile } from '../../../electron/engine/pipeline';
import { writeSyntheticDng } from '../../fixtures/dng';
import { dataPath, tmpDir } from '../../helpers/paths';

const dir = tmpDir('evenlight-shadow-colour-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** colour 6 values: wb, sat, satDark, dark */
const transform = (sat: number, satDark: number) => transformFromOutputs(new Float32Array([0, 0.5, 1]), new Float32Array([1, 1, 1, sat, satDark, 0.04]), [0, 0.5, 1], 1, 1);

test('withShadowColour moves the dark saturation the asked share of the way up to the saturation, and never lowers it', () => {
  const t = transform(0.6, 0.1);
  assert.equal(withShadowColour(t, 0), t, '0 is the model as it is');
  assert.ok(Math.abs(withShadowColour(t, 0.5).satDark - 0.35) < 1e-7);
  assert.ok(Math.abs(withShadowColour(t, 1).satDark - 0.6) < 1e-7);
  assert.equal(t.satDark, Math.fround(0.1), 'the transform given is left as it was');
  const high = transform(0.6, 0.9);
  assert.equal(withShadowColour(high, 1).satDark, Math.fround(0.9), 'shadows the network gave more colour keep it');
  const moved = withShadowColour(t, 1);
  assert.deepEqual([moved.sat, moved.dark, moved.curves], [t.sat, t.dark, t.curves]);
});

/** mean CIELAB chroma */
function chroma(data: Float32Array): number {
  const lab = labFromSrgb(data);
  let s = 0;
  for (let i = 0; i < lab.length; i += 3) s += Math.hypot(lab[i + 1], lab[i + 2]);
  return s / (lab.length / 3);
}

test('a clean photo made 5 stops darker: the product greys it by default, and gives its colour back at shadow colour 1', async () => {
  // Kodak's parrots, 5 stops less light through sRGB's transfer (a RAW developed dark), JPEG q92
  const { image: photo } = await readImage(dataPath('photos', 'kodak24', 'kodim23.png'));
  const px = Buffer.alloc(photo.data.length);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(255 * linearToSrgbExact(srgbToLinearExact(photo.data[i]) / 32));
  const dark = join(dir, 'dark.jpg');
  await sharp(px, { raw: { width: photo.width, height: photo.height, channels: 3 } }).jpeg({ quality: 92 }).toFile(dark);
  const run = async (name: string, shadowColour?: number) => {
    const r = await normalizeFile(dark, join(dir, name), { mode: 'ai', shadowColour });
    assert.equal(r.report.mode, 'ai');
    assert.equal(r.report.shadowColour, shadowColour ?? 0);
    return (await readImage(join(dir, name))).image;
  };
  const byDefault = await run('default.png');
  const none = await run('none.png', 0);
  const full = await run('full.png', 1);
  assert.deepEqual(readFileSync(join(dir, 'default.png')), readFileSync(join(dir, 'none.png')), 'the default is 0');
  // with 2.15.0 (2026-12-06) this test's own figures were chroma 19.3 → 27.4 (the photo's 28.8), 19.3 → 20.7 dB
  const [c0, c1, cPhoto] = [chroma(none.data), chroma(full.data), chroma(photo.data)];
  assert.ok(c1 > c0 * 1.25 && Math.abs(c1 - cPhoto) < 0.15 * cPhoto, `chroma ${c0.toFixed(1)} → ${c1.toFixed(1)}, the photo's ${cPhoto.toFixed(1)}`);
  const [p0, p1] = [psnr(none, photo), psnr(full, photo)];
  assert.ok(p1 > p0 + 0.5, `PSNR against the photo ${p0.toFixed(2)} → ${p1.toFixed(2)} dB`);
  assert.ok(psnr(byDefault, none) === Infinity);
});

test('a shadow colour outside 0..1 is refused with the file named, before anything is read', async () => {
  await assert.rejects(normalizeFile(join(dir, 'nowhere.jpg'), join(dir, 'out.jpg'), { mode: 'ai', shadowColour: 1.5 }), (e: Error) => {
    assert.match(e.message, /nowhere\.jpg.*shadow colour must be within 0\.\.1, got 1\.5/);
    return true;
  });
});

test('every v2 path takes it: a RAW file (floats), and the float path with a metering region (the editor, export)', async () => {
  // the parrots again, as a camera RAW of 5 stops less light (made here: linear scene data in a DNG)
  const { image: photo } = await readImage(dataPath('photos', 'kodak24', 'kodim23.png'));
  const dng = join(dir, 'dark.dng');
  writeSyntheticDng(dng, {
    width: photo.width,
    height: photo.height,
    scene: (x, y) => {
      const i = (y * photo.width + x) * 3;
      return [0, 1, 2].map((c) => srgbToLinearExact(photo.data[i + c]) / 32) as [number, number, number];
    },
  });
  const spread = (d: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < d.length; i += 3) s += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
    return s / (d.length / 3);
  };
  const raw = async (c: number) => {
    const out = join(dir, `raw-${c}.png`);
    await normalizeFile(dng, out, { mode: 'ai', shadowColour: c });
    return spread((await readImage(out)).image.data);
  };
  const [r0, r1] = [await raw(0), await raw(1)];
  assert.ok(r1 > r0 * 1.1, `RAW: colour ${r0.toFixed(4)} → ${r1.toFixed(4)}`);
  const { image } = await readImage(join(dir, 'dark.jpg'));
  const region = [{ x: 0, y: 0, w: image.width, h: Math.round(image.height / 2) }];
  const masked = async (c: number) => spread((await normalizeImage(image, { mode: 'ai', rois: region, feather: 0, shadowColour: c })).data);
  const [m0, m1] = [await masked(0), await masked(1)];
  assert.ok(m1 > m0 * 1.1, `with a region: colour ${m0.toFixed(4)} → ${m1.toFixed(4)}`);
});
