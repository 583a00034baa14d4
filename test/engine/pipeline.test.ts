import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { normalizeFile, outputFormatFor } from '../../electron/engine/pipeline';
import { readImage, writeImage } from '../../electron/engine/image/io';
import { normalizeImage } from '../../electron/engine/normalize';
import { resolveDecoder } from '../../electron/engine/raw/dcraw';
import { writeSyntheticDng } from '../fixtures/dng';
import { dataDir, tmpDir } from '../helpers/paths';

const noModel = tmpDir('evenlight-nomodel-');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('output format: --format, then the output extension, then the input family', () => {
  assert.equal(outputFormatFor('a.JPG'), 'jpeg');
  assert.equal(outputFormatFor('a.png'), 'png');
  assert.equal(outputFormatFor('a.tiff'), 'tiff16');
  assert.equal(outputFormatFor('a.NEF'), 'tiff16');
  assert.equal(outputFormatFor('a.dng', 'out.jpg'), 'jpeg');
  assert.equal(outputFormatFor('a.jpg', 'out.png', 'tiff16'), 'tiff16');
});

test('a real JPEG: same size out, EXIF carried, original untouched, stage timings reported', async () => {
  const src = join(dataDir, 'photos', 'debian_wallpapers', 'lxqt__Valendas.jpg');
  const before = sha(src);
  const out = join(tmpDir(), 'v.jpg');
  const r = await normalizeFile(src, out, { mode: 'classic', modelDir: noModel, quality: 85 });
  const [mi, mo] = await Promise.all([sharp(src).metadata(), sharp(out).metadata()]);
  assert.equal(mo.width, mi.width);
  assert.equal(mo.height, mi.height);
  assert.equal(mo.format, 'jpeg');
  assert.equal(!!mo.exif, !!mi.exif);
  assert.equal(sha(src), before);
  assert.ok(r.timings.decode > 0 && r.timings.normalize > 0 && r.timings.encode > 0);
  assert.equal(r.report.mode, 'classic');
});

test('a DNG goes through the RAW decoder to a 16-bit TIFF', { skip: resolveDecoder() ? false : 'no RAW decoder installed' }, async () => {
  const dir = tmpDir();
  const dng = join(dir, 'chart.dng');
  writeSyntheticDng(dng, { width: 320, height: 240 });
  const r = await normalizeFile(dng, join(dir, 'out', '..', 'chart-out.tif'), { mode: 'classic', modelDir: noModel });
  assert.equal(r.format, 'tiff16');
  const m = await sharp(r.output).metadata();
  assert.equal(m.depth, 'ushort');
  assert.equal(m.width, 320);
});

// A RAW's decode starts beside the model's load; when no model loads, the fallback works on
// that decode rather than decoding again, and says why, as the float path always has.
test('a DNG asked for AI with no loadable model: classic on the one decode, timed', { skip: resolveDecoder() ? false : 'no RAW decoder installed' }, async () => {
  const dir = tmpDir();
  const dng = join(dir, 'chart.dng');
  writeSyntheticDng(dng, { width: 320, height: 240 });
  const r = await normalizeFile(dng, join(dir, 'ai.tif'), { mode: 'ai', modelDir: noModel });
  assert.equal(r.report.requestedMode, 'ai');
  assert.equal(r.report.mode, 'classic');
  assert.ok(r.report.fallback, 'the report says why the AI did not run');
  assert.ok(r.timings.decode > 0 && r.timings.normalize > 0);
  const c = await normalizeFile(dng, join(dir, 'classic.tif'), { mode: 'classic', modelDir: noModel });
  assert.equal(sha(r.output), sha(c.output));
});

// The AI on a RAW writes the transform straight into the output's samples (normalizeRawFast):
// within one code of the float path's result quantised, with highlight headroom (a +1.5 EV
// BaselineExposure pushes the chart's bright patches above 1) and at a lower strength.
test('a DNG with highlight headroom on the AI fast path: within one code of the float path', { skip: resolveDecoder() ? false : 'no RAW decoder installed' }, async () => {
  const dir = tmpDir();
  const dng = join(dir, 'bright.dng');
  writeSyntheticDng(dng, { width: 320, height: 240, baselineExposure: 1.5 });
  const { image, meta } = await readImage(dng);
  let top = 0;
  for (const v of image.data) top = Math.max(top, v);
  assert.ok(top > 1.2, `the decode keeps headroom (${top})`);
  for (const strength of [1, 0.5]) {
    const r = await normalizeFile(dng, join(dir, `fast-${strength}.tif`), { mode: 'ai', strength });
    assert.equal(r.report.mode, 'ai');
    const ref = join(dir, `float-${strength}.tif`);
    await writeImage(ref, await normalizeImage(image, { mode: 'ai', strength }), { format: 'tiff16', meta });
    const [a, b] = await Promise.all([r.output, ref].map((f) => sharp(f, { ignoreIcc: true }).raw({ depth: 'ushort' }).toBuffer()));
    const x = new Uint16Array(a.buffer, a.byteOffset, a.length / 2);
    const y = new Uint16Array(b.buffer, b.byteOffset, b.length / 2);
    assert.equal(x.length, 320 * 240 * 3);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
    assert.ok(worst <= 1, `strength ${strength}: ${worst} codes from the float path`);
  }
});

test('transparency survives normalising: the same alpha out, AI (fast path) and with a region', async () => {
  const dir = tmpDir();
  const src = join(dir, 'cutout.png');
  const w = 64;
  const h = 48;
  const px = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    px[i * 4] = 20 + (i % w);
    px[i * 4 + 1] = 15;
    px[i * 4 + 2] = 10 + ((i / w) | 0);
    px[i * 4 + 3] = (i % w) < 16 ? 0 : (i % w) < 32 ? 100 : 255; // transparent, translucent, opaque
  }
  writeFileSync(src, await sharp(px, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer());
  const before = sha(src);
  const cases: [string, { rois?: { x: number; y: number; w: number; h: number }[] }][] = [['ai.png', {}], ['roi.png', { rois: [{ x: 8, y: 8, w: 40, h: 30 }] }]];
  for (const [name, extra] of cases) {
    const r = await normalizeFile(src, join(dir, name), { mode: 'ai', ...extra });
    assert.equal(r.report.mode, 'ai');
    const out = await sharp(r.output).raw().toBuffer({ resolveWithObject: true });
    assert.equal(out.info.channels, 4, name);
    for (let i = 0; i < w * h; i++) assert.equal(out.data[i * 4 + 3], px[i * 4 + 3], `${name}: alpha of pixel ${i}`);
    // the colour was corrected: a dark photo comes out brighter
    let sum = 0;
    for (let i = 0; i < w * h; i++) sum += out.data[i * 4 + 1] - px[i * 4 + 1];
    assert.ok(sum > 0, `${name}: not brightened`);
  }
  assert.equal(sha(src), before);
});

test('bad input: one-line error naming the file; nothing written; the original is never the output', async () => {
  const dir = tmpDir();
  const bad = join(dir, 'bad.png');
  writeFileSync(bad, Buffer.from('\x89PNG\r\n\x1a\nnot really'));
  await assert.rejects(normalizeFile(bad, join(dir, 'o.png'), { mode: 'classic', modelDir: noModel }), (e: Error) => e.message.startsWith(bad) && !e.message.includes('\n'));
  assert.deepEqual(readdirSync(dir), ['bad.png']);
  const src = join(dataDir, 'photos', 'kodak24', 'kodim02.png');
  await assert.rejects(normalizeFile(src, src, { mode: 'classic' }), /overwrite the original/);
  const ctl = new AbortController();
  ctl.abort();
  await assert.rejects(normalizeFile(src, join(dir, 'c.png'), { mode: 'classic', modelDir: noModel, signal: ctl.signal }), /cancelled/);
});
