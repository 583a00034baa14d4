// Per-stage times (decode, tile, infer, stitch, normalize, encode) and peak memory for a
// generated 24 MP JPEG and a generated 24 MP DNG, on CPU.
// Target: cutting and stitching a 24 MP photo (identity operator) under 0.3 s.
// `meetsTarget` reads the in-place mode, the one that allocates no second photo.
// AI: the v2 network once on the thumbnail, then its transform over the whole photo.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { applyClassic, applyTransformBands, applyTransformRows, areaResizeNchw, classicParams, defaultModelDir, extractTile, findManifest, loadModel, meterExposure, normalizeFile, planTiles, predictTransform, processTiled, readImage, writeImage, type RgbFloat, type StitchStats } from '../electron/engine';
import { writeSyntheticDng } from '../tools/synthetic-dng';

const W = 6000;
const H = 4000;

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

let lastCpuMs = 0;

/** Wall time in ms; the process CPU time of the same call is left in lastCpuMs (the
 * machine may be shared, so CPU time is the steadier figure). */
async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await fn();
  const u = process.cpuUsage(c);
  lastCpuMs = Math.round((u.user + u.system) / 100) / 10;
  return [r, Math.round((performance.now() - t) * 10) / 10];
}

async function makeJpeg(path: string): Promise<void> {
  // smooth gradients plus fine texture: realistic entropy for the codec
  const buf = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      const t = ((x * 13) ^ (y * 7)) & 15;
      buf[o] = (40 + (x * 120) / W + t) | 0;
      buf[o + 1] = (30 + (y * 100) / H + t) | 0;
      buf[o + 2] = (60 + ((x + y) * 60) / (W + H) + t) | 0;
    }
  }
  await sharp(buf, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
}

async function tileStitch(image: RgbFloat): Promise<Record<string, unknown>> {
  const grid = planTiles(image.width, image.height);
  // cutting alone: every tile out of the photo, reusing one buffer
  const [, cutMs] = await time(() => {
    const buf = { width: 224, height: 224, data: new Float32Array(224 * 224 * 3) };
    for (const y of grid.ys.starts) for (const x of grid.xs.starts) extractTile(image, x, y, 224, buf);
  });
  const cutCpuMs = lastCpuMs;
  const stats: StitchStats = { bands: 0, batches: 0, accumulatorFloats: 0, maxBatch: 0, tileFloats: 0 };
  // best of 7: the first run also pays for JIT warm-up, and the machine may be shared. Two
  // output modes: a fresh output photo (pays the page faults of first touching ~288 MB,
  // timed on its own below) and in place (no second photo).
  const best = async (inPlace: boolean) => {
    let wall = Infinity;
    let cpu = Infinity;
    const target = inPlace ? { ...image, data: image.data.slice() } : image;
    for (let r = 0; r < 7; r++) {
      const [, ms] = await time(() => processTiled(target, async (t) => t, { stats, inPlace }));
      wall = Math.min(wall, ms);
      cpu = Math.min(cpu, lastCpuMs);
    }
    return [wall, cpu];
  };
  const [cutStitchMs, cutStitchCpuMs] = await best(false);
  const [inPlaceMs, inPlaceCpuMs] = await best(true);
  // What a fresh output costs before any pixel is computed: the kernel faulting in
  // 288 MB of new pages on first write.
  let firstTouchMs = Infinity;
  for (let r = 0; r < 3; r++) {
    const [, ms] = await time(() => new Float32Array(image.data.length).fill(0));
    firstTouchMs = Math.min(firstTouchMs, ms);
  }
  return {
    tiles: grid.total,
    cutMs,
    cutCpuMs,
    cutAndStitchMs: cutStitchMs,
    cutAndStitchCpuMs: cutStitchCpuMs,
    cutAndStitchInPlaceMs: inPlaceMs,
    cutAndStitchInPlaceCpuMs: inPlaceCpuMs,
    stitchMs: Math.round((cutStitchMs - cutMs) * 10) / 10,
    freshOutputFirstTouchMs: firstTouchMs,
    targetMs: 300,
    meetsTarget: inPlaceMs < 300,
    inPlaceSideBuffersMiB: Math.round((stats.accumulatorFloats * 4 * 10) / 2 ** 20) / 10,
    tileBuffersMiB: Math.round((stats.tileFloats * 4) / 2 ** 20),
  };
}

/**
 * The v2 model on this photo: the network once on its thumbnail, then the transform over all
 * 24 MP in this thread (the float path of the app and eval) and on every core over 8-bit
 * samples (normalizeFile's fast path).
 */
async function inference(image: RgbFloat): Promise<Record<string, unknown>> {
  const dir = defaultModelDir();
  if (!findManifest(dir)) return { skipped: 'no shipped model' };
  const [s, loadMs] = await time(() => loadModel(dir, { provider: 'cpu' }));
  if (!s.hasTransform) return { skipped: 'the shipped model is not v2' };
  const [thumb, thumbMs] = await time(() => areaResizeNchw(image, s.contextSize));
  await predictTransform(s, thumb); // warm-up
  const [t, networkMs] = await time(() => predictTransform(s, thumb));
  const out = new Float32Array(image.data.length);
  const [, applyFloatMs] = await time(() => applyTransformRows(image.data, out, image.width, 0, image.height, t, { inMax: 1, outMax: 1, height: image.height }));
  const u8 = new Uint8Array(image.data.length);
  for (let i = 0; i < u8.length; i++) u8[i] = Math.round(image.data[i] * 255);
  const raster = { width: image.width, height: image.height, data: u8 };
  // the CLI's thumbnail: the same area resize, summed over the decoded 8-bit samples
  const [, thumbU8Ms] = await time(() => areaResizeNchw(raster, s.contextSize, undefined, 1, 1 / 255));
  await applyTransformBands(raster, t); // starts the workers
  const [, applySharedMs] = await time(() => applyTransformBands(raster, t));
  await s.release();
  return { provider: s.provider, loadMs, thumbnailMs: thumbMs, thumbnailU8Ms: thumbU8Ms, networkMs, applyFloatOneThreadMs: applyFloatMs, applyU8AllCoresMs: applySharedMs };
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'evenlight-bench-'));
  const out: Record<string, unknown> = { photo: `${W}x${H}` };
  try {
    const jpeg = join(dir, 'photo.jpg');
    await makeJpeg(jpeg);
    const [{ image }, decodeMs] = await time(() => readImage(jpeg));
    const ts = await tileStitch(image);
    const [params, meterMs] = await time(() => classicParams(meterExposure(image)));
    const [corrected, classicMs] = await time(() => applyClassic(image, params));
    const classicCpuMs = lastCpuMs;
    const [, encodeJpegMs] = await time(() => writeImage(join(dir, 'out.jpg'), corrected, { format: 'jpeg' }));
    const [, encodeTiffMs] = await time(() => writeImage(join(dir, 'out.tif'), corrected, { format: 'tiff16' }));
    out.jpeg = { decodeMs, ...ts, classicMeterMs: meterMs, classicApplyMs: classicMs, classicApplyCpuMs: classicCpuMs, encodeJpegMs, encodeTiff16Ms: encodeTiffMs, peakRssMiB: peakRssMiB() };
    out.infer = await inference(image);
    // The CLI's main job end to end: `evenlight normalize photo.jpg -o out.jpg` (ai).
    const [e2e, e2eMs] = await time(() => normalizeFile(jpeg, join(dir, 'ai.jpg'), { mode: 'ai' }));
    const ms = (v: number): number => Math.round(v);
    out.normalizeAiEndToEnd = {
      mode: e2e.report.mode,
      totalMs: ms(e2eMs),
      decodeMs: ms(e2e.timings.decode),
      normalizeMs: ms(e2e.timings.normalize),
      encodeMs: ms(e2e.timings.encode),
      peakRssMiB: peakRssMiB(),
    };

    const dng = join(dir, 'photo.dng');
    writeSyntheticDng(dng, { width: W, height: H });
    const [{ image: raw }, rawDecodeMs] = await time(() => readImage(dng));
    const rts = await tileStitch(raw);
    const [, encMs] = await time(() => writeImage(join(dir, 'raw.tif'), raw, { format: 'tiff16' }));
    out.dng = { size: `${raw.width}x${raw.height}`, decodeMs: rawDecodeMs, ...rts, encodeTiff16Ms: encMs, peakRssMiB: peakRssMiB() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
