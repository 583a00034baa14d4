// Metadata round trips, through every way a photo leaves Evenlight: normalizeFile, the CLI's
// normalize and batch, and the app's exportPhoto (router, engine worker). The source is made
// here: a 2400×1600 JPEG with a Display P3 ICC profile, a full camera EXIF and orientation 6
// (stored sideways), with a red block in the stored top-left corner. Every output, in each
// format (JPEG, PNG, 16-bit TIFF), must carry the camera fields and the ICC profile, be
// upright (pixels turned, orientation 1), and be full size: 1600×2400, not the editor's
// working size.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { normalizeFile } from '../electron/engine/pipeline';
import { readExif, type ExifSummary } from '../electron/engine/image/exif';
import { embedExifInJpeg } from '../electron/engine/image/embed-metadata';
import { createRouter } from '../electron/ipc/router';
import { stopEngineHost } from '../electron/jobs/engine-host';
import { psnr } from '../electron/engine/metrics/psnr';
import type { OutputFormat } from '../electron/common/contract';
import { sampleCameraExif } from './fixtures/exif-block';
import { cliPath, tmpDir } from './helpers/paths';

const W = 2400;
const H = 1600;
const FORMATS: { format: OutputFormat; ext: string; sharpFormat: string }[] = [
  { format: 'jpeg', ext: '.jpg', sharpFormat: 'jpeg' },
  { format: 'png', ext: '.png', sharpFormat: 'png' },
  { format: 'tiff16', ext: '.tif', sharpFormat: 'tiff' },
];
const CAMERA_FIELDS = ['make', 'model', 'lens', 'exposureTime', 'iso', 'fNumber', 'exposureBias', 'captureTime'] as const;

let root = '';
let src = '';
let srcIcc: Buffer;
let srcExif: ExifSummary;
const noModel = tmpDir('evenlight-nomodel-');

before(async () => {
  root = tmpDir('evenlight-meta-');
  mkdirSync(join(root, 'in'));
  src = join(root, 'in', 'camera.jpg');
  // a dim gradient (so classic has something to correct) with a saturated red block stored top-left
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const red = x < 400 && y < 400;
      px[i] = red ? 200 : 20 + Math.round((60 * x) / W);
      px[i + 1] = red ? 10 : 20 + Math.round((60 * y) / H);
      px[i + 2] = red ? 10 : 40;
    }
  const jpeg = await sharp(px, { raw: { width: W, height: H, channels: 3 } }).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
  writeFileSync(src, embedExifInJpeg(jpeg, sampleCameraExif(6)));
  const md = await sharp(src).metadata();
  // the fixture itself has what the outputs must keep
  assert.ok(md.icc && md.icc.length > 100, 'fixture has an ICC profile');
  assert.equal(md.orientation, 6);
  srcIcc = md.icc;
  srcExif = await readExif(src);
  assert.equal(srcExif.iso, 800);
  assert.equal(srcExif.lens, 'LensCo Prime 35mm F1.4');
});
after(async () => {
  await stopEngineHost();
  rmSync(root, { recursive: true, force: true });
  rmSync(noModel, { recursive: true, force: true });
});

/** Mean RGB (0..255) of a square of the output, in its stored (= displayed, once upright) layout. */
async function cornerMean(file: string, left: number, top: number, size = 200): Promise<number[]> {
  const { data, info } = await sharp(file).extract({ left, top, width: size, height: size }).removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const m = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) m[c] += data[i + c];
  return m.map((v) => v / (data.length / info.channels));
}

async function checkOutput(file: string, format: (typeof FORMATS)[number], how: string): Promise<void> {
  const md = await sharp(file).metadata();
  assert.equal(md.format, format.sharpFormat, `${how}: format`);
  if (format.format === 'tiff16') assert.equal(md.depth, 'ushort', `${how}: 16-bit`);
  // full size, turned upright
  assert.deepEqual([md.width, md.height], [H, W], `${how}: full-size upright dimensions`);
  assert.ok(md.orientation === undefined || md.orientation === 1, `${how}: orientation ${md.orientation}, pixels already turned`);
  // orientation 6 turns the stored top-left to the top-right
  const topRight = await cornerMean(file, H - 200, 0);
  const topLeft = await cornerMean(file, 0, 0);
  assert.ok(topRight[0] > topRight[1] + 80, `${how}: red block at the top right ${topRight.map(Math.round)}`);
  assert.ok(topLeft[0] < topLeft[1] + 40, `${how}: no red block at the top left ${topLeft.map(Math.round)}`);
  assert.ok(md.icc && Buffer.compare(md.icc, srcIcc) === 0, `${how}: the source's ICC profile, byte for byte`);
  const x = await readExif(file);
  for (const k of CAMERA_FIELDS) assert.deepEqual(x[k], srcExif[k], `${how}: EXIF ${k}`);
}

const cli = (args: string[]) =>
  spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, EVENLIGHT_MODEL_DIR: noModel } });

for (const f of FORMATS) {
  test(`normalizeFile -> ${f.format}: EXIF, orientation, ICC and full size kept`, async () => {
    const out = join(root, `engine${f.ext}`);
    const r = await normalizeFile(src, out, { mode: 'classic', modelDir: noModel, format: f.format });
    assert.equal(r.output, out);
    await checkOutput(out, f, `normalizeFile ${f.format}`);
  });

  test(`CLI normalize and batch -> ${f.format}: EXIF, orientation, ICC and full size kept`, async () => {
    const out = join(root, `cli${f.ext}`);
    const n = cli(['normalize', src, '-o', out, '--mode', 'classic', '--format', f.format]);
    assert.equal(n.status, 0, n.stderr);
    await checkOutput(out, f, `CLI normalize ${f.format}`);
    const outDir = join(root, `batch-${f.format}`);
    const b = cli(['batch', join(root, 'in'), '-o', outDir, '--mode', 'classic', '--format', f.format]);
    assert.equal(b.status, 0, b.stderr);
    assert.deepEqual(readdirSync(outDir), [`camera${f.ext}`]);
    await checkOutput(join(outDir, `camera${f.ext}`), f, `CLI batch ${f.format}`);
  });

  test(`exportPhoto (app) -> ${f.format}: EXIF, orientation, ICC and full size kept`, async () => {
    const router = createRouter({ kind: 'bridge', version: '0', emit: () => {}, sendTile: () => {} });
    assert.ok((await router.call('openFolder', { path: root })).ok);
    const outDir = join(root, `export-${f.format}`);
    const r = await router.call('exportPhoto', { path: src, outDir, mode: 'classic', format: f.format });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.output, join(outDir, `camera${f.ext}`));
    await checkOutput(r.value.output, f, `exportPhoto ${f.format}`);
  });
}

test('CLI --quality changes the JPEG: smaller and further from the best quality at 30 than at 95', async () => {
  const q = (n: number) => {
    const out = join(root, `q${n}.jpg`);
    const r = cli(['normalize', src, '-o', out, '--mode', 'classic', '--quality', String(n)]);
    assert.equal(r.status, 0, r.stderr);
    return out;
  };
  const [q30, q95, q100] = [q(30), q(95), q(100)];
  const [s30, s95] = [statSync(q30).size, statSync(q95).size];
  assert.ok(s30 < 0.6 * s95, `sizes: q30 ${s30} B, q95 ${s95} B`);
  const pixels = async (p: string) => {
    const { data, info } = await sharp(p).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: Float32Array.from(data, (v) => v / 255) };
  };
  const ref = await pixels(q100);
  const [p30, p95] = [psnr(ref, await pixels(q30)), psnr(ref, await pixels(q95))];
  assert.ok(p95 > p30 + 3, `PSNR against q100: q30 ${p30.toFixed(1)} dB, q95 ${p95.toFixed(1)} dB`);
});
