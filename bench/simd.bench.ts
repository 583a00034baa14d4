/**
 * The WebAssembly SIMD kernels against the JavaScript loops they stand in for, on one core, on
 * the 36 MP Nikon D800 JPEG of the shared data with the shipped model's transform for it:
 *
 * - the transform (curve-apply-wasm.ts vs applyTransformRows), 8-bit in and out, in bands of
 *   224 rows as the pool's workers run it: ns per pixel;
 * - the network's thumbnail (thumbnail-wasm.ts vs thumbnail.ts's integer pass, fed the same
 *   samples as 16-bit so that it takes the JavaScript path): ms;
 * - the deep-shadow smoothing (shadow-smooth-wasm.ts vs smoothShadowRows) on the same photo
 *   pushed 4 stops darker, in bands of 224 rows with their margin: ns per pixel;
 * - the virtual bracket's fusion (virtual-bracket-wasm.ts vs fuseFrames) of that dark photo's
 *   thumbnail halved, as predictTransform runs it: ms, and each one's first call in this
 *   process (the JavaScript not yet optimised, as in a fresh `evenlight normalize`).
 * - the transform from float input (a RAW, and the editor's working image), with RAW headroom's
 *   map, on the shared data's DNG decoded: float out and 8-bit out (the file path), in bands of
 *   224 rows: ns per pixel.
 * - SSIM (metrics/ssim-wasm.ts vs ssimScalar), as `evenlight eval` runs it: two frames of the D800
 *   bracket at the eval's long side of 1024 px: ms.
 * One warm-up each, then the median of REPS, alternating; both kernels' output differences are
 * printed too (the tests hold them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  applyTransformRows,
  areaResize8,
  areaResizeNchw,
  bracketFuse,
  defaultModelDir,
  fuseFrames,
  halve,
  pushOf,
  getModel,
  type ModelSession,
  photoTransform,
  predictTransform,
  readImage,
  shadowKernel,
  smoothShadowRows,
  SPAN,
  ssim,
  ssimKernel,
  ssimScalar,
  wasmKernel,
} from '../electron/engine';
import { darkerCodes, dataDir, median } from './common';

const REPS = 5;
const BAND = 224;

/** SSIM's kernel against its JavaScript at the eval's size: align_3 against align_2 of the D800 bracket. */
async function ssimAtEvalSize(): Promise<Record<string, unknown>> {
  const dir = join(dataDir, 'brackets', 'rawio_d800_align');
  if (!existsSync(join(dir, 'align_2.jpg'))) return { skipped: `no ${dir}` };
  if (!ssimKernel()) return { skipped: 'no WebAssembly kernels (npm run build)' };
  const frame = async (name: string) => {
    const { data, info } = await sharp(join(dir, name)).resize(1024, 1024, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: Float32Array.from(data, (v) => v / 255) };
  };
  const [a, b] = [await frame('align_3.jpg'), await frame('align_2.jpg')];
  const values = { js: ssimScalar(a, b), simd: ssim(a, b) }; // and the warm-up
  const ms = { js: [] as number[], simd: [] as number[] };
  for (let i = 0; i < REPS; i++) {
    ms.js.push(timed(() => ssimScalar(a, b)));
    ms.simd.push(timed(() => ssim(a, b)));
  }
  return {
    photos: `rawio_d800_align/align_3.jpg against align_2.jpg at ${a.width}x${a.height}`,
    javascriptMs: Math.round(median(ms.js)),
    simdMs: Math.round(median(ms.simd)),
    ratio: Math.round((median(ms.simd) / median(ms.js)) * 100) / 100,
    absDiff: Math.abs(values.js - values.simd),
  };
}

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

/** The float kernel against applyTransformRows on the real DNG (decoded by the RAW decoder). */
async function floatTransform(session: ModelSession): Promise<Record<string, unknown>> {
  const dng = join(dataDir, 'raw', 'blackmagic_pocket4k_dng', 'Blackmagic.dng');
  if (!existsSync(dng)) return { skipped: `no ${dng}` };
  const kernel = wasmKernel();
  if (!kernel) return { skipped: 'no WebAssembly kernels (npm run build)' };
  const { image } = await readImage(dng);
  const { width, height } = image;
  const known = await photoTransform(image, session);
  const io = { inMax: 1, outMax: 1, pre: known.pre, height };
  const js = new Float32Array(image.data.length);
  const simd = new Float32Array(image.data.length);
  const simd8 = new Uint8Array(image.data.length);
  const bands = (f: (y0: number, y1: number) => void) => () => {
    for (let y = 0; y < height; y += BAND) f(y, Math.min(height, y + BAND));
  };
  const jsPass = bands((y0, y1) => applyTransformRows(image.data, js, width, y0, y1, known.t, io));
  const simdPass = bands((y0, y1) => kernel.applyRows(image.data, simd, width, y0, y1, known.t, io));
  const simd8Pass = bands((y0, y1) => kernel.applyRows(image.data, simd8, width, y0, y1, known.t, { ...io, outMax: 255 }));
  for (const f of [jsPass, simdPass, simd8Pass]) f(); // warm-up: JIT, and the outputs' pages faulted in
  const ms = { js: [] as number[], simd: [] as number[], simd8: [] as number[] };
  for (let i = 0; i < REPS; i++) {
    ms.js.push(timed(jsPass));
    ms.simd.push(timed(simdPass));
    ms.simd8.push(timed(simd8Pass));
  }
  let worst = 0;
  for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(js[i] - simd[i]));
  const nsPerPx = (m: number) => Math.round((m * 1e7) / (width * height)) / 10;
  return {
    photo: `raw/blackmagic_pocket4k_dng/Blackmagic.dng ${width}x${height}, headroom gain ${known.pre ? known.pre.gain.toFixed(3) : 1}`,
    javascriptNsPerPixel: nsPerPx(median(ms.js)),
    simdNsPerPixel: nsPerPx(median(ms.simd)),
    simdTo8BitNsPerPixel: nsPerPx(median(ms.simd8)),
    ratio: Math.round((median(ms.simd) / median(ms.js)) * 100) / 100,
    maxAbsDiff: worst,
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const photo = join(dataDir, 'brackets', 'rawio_d800_align', 'align_3.jpg');
  if (!existsSync(photo)) return { skipped: `no ${photo}` };
  const kernel = wasmKernel();
  if (!kernel || !areaResize8(new Uint8Array(3), 1, { x: 0, y: 0, w: 1, h: 1 }, 1, 1)) return { skipped: 'no WebAssembly kernels (npm run build)' };
  const { data, info } = await sharp(photo).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const src = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const { width, height } = info;
  const session = await getModel(defaultModelDir());
  const size = session.contextSize;
  const t = await predictTransform(session, areaResizeNchw({ width, height, data: src }, size, undefined, 1, 1 / 255));
  const io = { inMax: 255, outMax: 255, height };
  const js = new Uint8Array(src.length);
  const simd = new Uint8Array(src.length);
  const bands = (f: (y0: number, y1: number) => void) => () => {
    for (let y = 0; y < height; y += BAND) f(y, Math.min(height, y + BAND));
  };
  const jsPass = bands((y0, y1) => applyTransformRows(src, js, width, y0, y1, t, io));
  const simdPass = bands((y0, y1) => kernel.applyRows(src, simd, width, y0, y1, t, io));
  const src16 = Uint16Array.from(src);
  const whole = { x: 0, y: 0, w: width, h: height };
  let thumbJs: Float32Array = new Float32Array(0);
  let thumbSimd: Float32Array = new Float32Array(0);
  const thumbJsPass = () => void (thumbJs = areaResizeNchw({ width, height, data: src16 }, size, undefined, 1, 1 / 255));
  const thumbSimdPass = () => void (thumbSimd = areaResize8(src, width, whole, size, 1 / 255) as Float32Array);
  // 4 stops darker in linear light, as ai.bench.ts's dark photo (without its JPEG round trip)
  const lut = darkerCodes(4);
  const dark = src.map((v) => lut[v]);
  const smooth = shadowKernel();
  if (!smooth) return { skipped: 'no WebAssembly kernels (npm run build)' };
  const bandOf = (y0: number, y1: number) => dark.subarray(Math.max(0, y0 - 1) * width * 3, Math.min(height, y1 + 1) * width * 3);
  const into = new Float32Array(BAND * width * 3);
  let smoothWorst = 0;
  const smoothJsPass = bands((y0, y1) => void smoothShadowRows(bandOf(y0, y1), 255, width, height, y0, y1, Math.max(0, y0 - 1), into));
  const smoothSimdPass = bands((y0, y1) => void smooth(bandOf(y0, y1), 255, width, height, y0, y1, Math.max(0, y0 - 1), into));
  const smoothCheck = bands((y0, y1) => {
    const a = smoothShadowRows(bandOf(y0, y1), 255, width, height, y0, y1, Math.max(0, y0 - 1));
    const b = smooth(bandOf(y0, y1), 255, width, height, y0, y1, Math.max(0, y0 - 1));
    if (a && b) for (let i = 0; i < a.values.length; i++) smoothWorst = Math.max(smoothWorst, Math.abs(a.values[i] - b.values[i]));
  });
  // the virtual bracket's view: the dark photo's thumbnail halved, its frames k0 − SPAN .. k0 + SPAN
  const fuse = bracketFuse();
  if (!fuse) return { skipped: 'no WebAssembly kernels (npm run build)' };
  const vside = size >> 1;
  const { lin, push } = pushOf(halve(areaResizeNchw({ width, height, data: dark }, size, undefined, 1, 1 / 255), size), vside);
  const k0 = Math.floor(push + 0.5);
  const [kLo, kHi] = [Math.min(0, k0 - SPAN), Math.max(0, k0 + SPAN)];
  let fusedJs: Float32Array = new Float32Array(0);
  let fusedSimd: Float32Array = new Float32Array(0);
  const fuseJsPass = () => void (fusedJs = fuseFrames(lin, vside, kLo, kHi));
  const fuseSimdPass = () => void (fusedSimd = fuse(lin, vside, kLo, kHi));
  const firstFuse = { js: timed(fuseJsPass), simd: timed(fuseSimdPass) };
  for (const f of [jsPass, simdPass, thumbJsPass, thumbSimdPass, smoothJsPass, smoothSimdPass, fuseJsPass, fuseSimdPass]) f(); // warm-up: JIT and wasm tier-up
  const ms = { js: [] as number[], simd: [] as number[], thumbJs: [] as number[], thumbSimd: [] as number[], smoothJs: [] as number[], smoothSimd: [] as number[], fuseJs: [] as number[], fuseSimd: [] as number[] };
  for (let i = 0; i < REPS; i++) {
    ms.js.push(timed(jsPass));
    ms.simd.push(timed(simdPass));
    ms.thumbJs.push(timed(thumbJsPass));
    ms.thumbSimd.push(timed(thumbSimdPass));
    ms.smoothJs.push(timed(smoothJsPass));
    ms.smoothSimd.push(timed(smoothSimdPass));
    ms.fuseJs.push(timed(fuseJsPass));
    ms.fuseSimd.push(timed(fuseSimdPass));
  }
  smoothCheck();
  let codesOff = 0;
  let worstCode = 0;
  for (let i = 0; i < js.length; i++) {
    const d = Math.abs(js[i] - simd[i]);
    if (d) codesOff++;
    worstCode = Math.max(worstCode, d);
  }
  let thumbWorst = 0;
  for (let i = 0; i < thumbJs.length; i++) thumbWorst = Math.max(thumbWorst, Math.abs(thumbJs[i] - thumbSimd[i]));
  const nsPerPx = (m: number) => Math.round((m * 1e7) / (width * height)) / 10;
  return {
    photo: `rawio_d800_align/align_3.jpg ${width}x${height}`,
    reps: REPS,
    transformOneCore: {
      javascriptNsPerPixel: nsPerPx(median(ms.js)),
      simdNsPerPixel: nsPerPx(median(ms.simd)),
      ratio: Math.round((median(ms.simd) / median(ms.js)) * 100) / 100,
      samplesOneCodeApart: codesOff,
      worstCodes: worstCode,
    },
    thumbnail: {
      javascriptMs: Math.round(median(ms.thumbJs)),
      simdMs: Math.round(median(ms.thumbSimd)),
      ratio: Math.round((median(ms.thumbSimd) / median(ms.thumbJs)) * 100) / 100,
      maxAbsDiff: thumbWorst,
    },
    shadowSmoothOneCore: {
      photo: 'the same, 4 stops darker',
      javascriptNsPerPixel: nsPerPx(median(ms.smoothJs)),
      simdNsPerPixel: nsPerPx(median(ms.smoothSimd)),
      ratio: Math.round((median(ms.smoothSimd) / median(ms.smoothJs)) * 100) / 100,
      maxAbsDiff: smoothWorst,
    },
    virtualBracketFusion: {
      photo: `the same, 4 stops darker: its thumbnail halved, ${vside}×${vside}, frames 2^${kLo}..2^${kHi}`,
      javascriptMs: Math.round(median(ms.fuseJs) * 10) / 10,
      wasmMs: Math.round(median(ms.fuseSimd) * 10) / 10,
      firstCallJavascriptMs: Math.round(firstFuse.js),
      firstCallWasmMs: Math.round(firstFuse.simd),
      maxAbsDiff: fusedJs.reduce((m, v, i) => Math.max(m, Math.abs(v - fusedSimd[i])), 0),
    },
    transformFloatOneCore: await floatTransform(session),
    ssimAtEvalSize: await ssimAtEvalSize(),
  };
}
