// Fusion speed and memory, against peers in the same run:
// - the kernels: three frames (a real bracket upscaled to `EVENLIGHT_BENCH_MP` megapixels,
//   default 24, 8-bit as decoded) fused by each method in TypeScript and by OpenCV 4.6 (Debian
//   python3-opencv), each in its own child process so the peak RSS belongs to that method alone;
// - the WebAssembly kernels against the JavaScript they stand in for (mertensFuseScalar, and the
//   Debevec merge and Reinhard's tone map in JavaScript), in this process on the bracket's three
//   frames as stored (1920×1280), alternating, with whether their outputs are bit-identical;
// - whole processes: `evenlight fuse` of three frames of the 36 MP D800 bracket (3 stops) to
//   JPEG q92 against enfuse (Debian enfuse, the photographers' exposure-fusion tool) doing the
//   same, when installed, with our weights and with its own; `REPS` runs alternately, medians
//   compared, peak RSS by GNU time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  calibrateDebevec,
  mergeDebevec,
  mergeDebevecScalar,
  mertensFuse,
  mertensFuseScalar,
  tonemapReinhardDevlin,
  tonemapReinhardDevlinScalar,
  type Raster,
  type RgbFloat,
} from '../electron/engine';
import { dataDir, installed, median, timedProcess } from './common';

const SCENE = 'rawio_canon5d3_foyer';

const OPENCV = `
import sys, time, resource, json, numpy as np, cv2
d, w, h, method = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
times = np.array(json.loads(sys.argv[5]), dtype=np.float32)
frames = [np.fromfile(f'{d}/f{i}.rgb', dtype=np.uint8).reshape(h, w, 3) for i in range(3)]
t0 = time.perf_counter()
if method == 'mertens':
    out = cv2.createMergeMertens(1.0, 1.0, 1.0).process(frames)
else:
    hdr = cv2.createMergeDebevec().process(frames, times, cv2.createCalibrateDebevec().process(frames, times))
    out = cv2.createTonemapReinhard(1.5, 0, 0, 0).process(hdr)
s = time.perf_counter() - t0
print(json.dumps({'seconds': s, 'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'threads': cv2.getNumThreads()}))
`;

const REPS = 3;
const root = join(__dirname, '..');

/** The frames as `evenlight fuse` reads a JPEG at full size: 8-bit (hdr/mertens.ts reads those a row at a time). */
function loadFrames(dir: string, w: number, h: number): Raster[] {
  return [0, 1, 2].map((i) => ({ width: w, height: h, bits: 8, data: new Uint8Array(readFileSync(join(dir, `f${i}.rgb`))) }));
}

/** Child-process entry: fuse and report time and peak RSS as JSON. */
function child(dir: string, w: number, h: number, method: string, times: number[]): void {
  const frames = loadFrames(dir, w, h);
  const t0 = performance.now();
  if (method === 'mertens') mertensFuse(frames);
  else tonemapReinhardDevlin(mergeDebevec(frames, times, calibrateDebevec(frames, times)), { gamma: 1.5, lightAdapt: 0 });
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

export async function run(): Promise<Record<string, unknown>> {
  const mp = Number(process.env.EVENLIGHT_BENCH_MP) > 0 ? Number(process.env.EVENLIGHT_BENCH_MP) : 24;
  const sceneDir = join(dataDir, 'brackets', SCENE);
  const scene = JSON.parse(readFileSync(join(sceneDir, 'scene.json'), 'utf8')) as { exposures: Array<{ file: string; exposure_time_s: number }> };
  const w = Math.round(Math.sqrt((mp * 1e6 * 3) / 2));
  const h = Math.round((w * 2) / 3);
  const dir = mkdtempSync(join(tmpdir(), 'evenlight-bench-fusion-'));
  try {
    for (const [i, e] of scene.exposures.entries()) {
      const buf = await sharp(join(sceneDir, e.file)).resize(w, h, { fit: 'fill', kernel: 'lanczos3' }).removeAlpha().raw().toBuffer();
      writeFileSync(join(dir, `f${i}.rgb`), buf);
    }
    const times = scene.exposures.map((e) => e.exposure_time_s);
    const results: Record<string, unknown> = { frames: 3, width: w, height: h, megapixels: +((w * h) / 1e6).toFixed(1), source: `${SCENE} upscaled` };
    for (const method of ['mertens', 'debevec-reinhard']) {
      const ts = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir, String(w), String(h), method, JSON.stringify(times)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (ts.status !== 0) throw new Error(`bench child failed: ${ts.stderr}`);
      const cv = spawnSync('/usr/bin/python3', ['-c', OPENCV, dir, String(w), String(h), method, JSON.stringify(times)], { encoding: 'utf8' });
      const ours = JSON.parse(ts.stdout) as { seconds: number; peakRssMiB: number };
      const entry: Record<string, unknown> = { evenlight: ours };
      if (cv.status === 0) {
        const theirs = JSON.parse(cv.stdout) as { seconds: number; peakRssMiB: number };
        entry.opencv = theirs;
        entry.timeRatio = +(ours.seconds / theirs.seconds).toFixed(2);
      } else entry.opencv = { error: cv.stderr.trim().split('\n').pop() };
      results[method] = entry;
    }
    results.kernelsVsJavaScript = await kernelsVsJavaScript(sceneDir, scene.exposures.map((e) => e.file), times);
    results.wholeProcess = wholeProcess(dir);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fusion kernels against their JavaScript, in process, on the frames as stored: medians of REPS, alternating. */
async function kernelsVsJavaScript(sceneDir: string, files: string[], times: number[]): Promise<Record<string, unknown>> {
  const frames: Raster[] = [];
  for (const f of files) {
    const { data, info } = await sharp(join(sceneDir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    frames.push({ width: info.width, height: info.height, bits: 8, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
  }
  const response = calibrateDebevec(frames, times);
  const tone = { gamma: 1.5, lightAdapt: 0 };
  const methods: Record<string, Record<'kernels' | 'javascript', () => RgbFloat>> = {
    mertens: { kernels: () => mertensFuse(frames), javascript: () => mertensFuseScalar(frames) },
    'debevec-reinhard': {
      kernels: () => tonemapReinhardDevlin(mergeDebevec(frames, times, response), tone),
      javascript: () => tonemapReinhardDevlinScalar(mergeDebevecScalar(frames, times, response), tone),
    },
  };
  const out: Record<string, unknown> = { frames: `${files.length} of ${frames[0].width}x${frames[0].height}` };
  for (const [name, run] of Object.entries(methods)) {
    const a = run.kernels(), b = run.javascript(); // and the warm-up
    const identical = a.data.every((v, i) => Object.is(v, b.data[i]));
    const ms = { kernels: [] as number[], javascript: [] as number[] };
    for (let i = 0; i < REPS; i++) {
      for (const k of ['kernels', 'javascript'] as const) {
        const t = performance.now();
        run[k]();
        ms[k].push(performance.now() - t);
      }
    }
    const kernelsMs = Math.round(median(ms.kernels));
    const javascriptMs = Math.round(median(ms.javascript));
    out[name] = { kernelsMs, javascriptMs, ratio: Math.round((kernelsMs / javascriptMs) * 100) / 100, identical };
  }
  return out;
}

/**
 * `evenlight fuse` against enfuse on the same three 36 MP JPEGs, all writing JPEG q92: enfuse
 * with the same weights (the paper's 1, 1, 1; the ratio) and with its own defaults (exposure 1,
 * saturation 0.2, contrast 0: no contrast window to compute).
 */
function wholeProcess(dir: string): Record<string, unknown> {
  const scene = join(dataDir, 'brackets', 'rawio_d800_align');
  const files = ['align_3.jpg', 'align_2.jpg', 'align_1.jpg'].map((f) => join(scene, f)); // 1/40, 1/13, 1/5 s
  if (!files.every(existsSync)) return { skipped: `no ${scene}` };
  const enfuse = installed('enfuse');
  const runs: Record<'ours' | 'same' | 'defaults', Array<{ ms: number; peakRssMiB: number }>> = { ours: [], same: [], defaults: [] };
  const enfuseArgs = (out: string, weights: string[]): string[] => ['-o', join(dir, out), '--compression=92', ...weights, ...files];
  for (let i = 0; i < REPS; i++) {
    runs.ours.push(timedProcess(process.execPath, [join(root, 'bin', 'evenlight.js'), 'fuse', ...files, '-o', join(dir, `ours${i}.jpg`)]));
    if (!enfuse) continue;
    runs.same.push(timedProcess('enfuse', enfuseArgs(`same${i}.jpg`, ['--exposure-weight=1', '--saturation-weight=1', '--contrast-weight=1'])));
    runs.defaults.push(timedProcess('enfuse', enfuseArgs(`defaults${i}.jpg`, [])));
  }
  const ms = (k: keyof typeof runs): number => Math.round(median(runs[k].map((r) => r.ms)));
  const rss = (k: keyof typeof runs): number => Math.max(...runs[k].map((r) => r.peakRssMiB));
  const out: Record<string, unknown> = { frames: files.length, megapixels: 36.2, evenlightFuseMs: ms('ours'), evenlightFusePeakRssMiB: rss('ours') };
  if (!enfuse) return { ...out, enfuse: 'enfuse not installed (Debian package enfuse)' };
  return {
    ...out,
    enfuseSameWeightsMs: ms('same'),
    enfuseSameWeightsPeakRssMiB: rss('same'),
    timeRatioToEnfuse: Math.round((ms('ours') / ms('same')) * 100) / 100,
    enfuseDefaultsMs: ms('defaults'),
    enfuseDefaultsPeakRssMiB: rss('defaults'),
    timeRatioToEnfuseDefaults: Math.round((ms('ours') / ms('defaults')) * 100) / 100,
  };
}

if (process.argv[2] === '--child') {
  const [dir, w, h, method, times] = process.argv.slice(3);
  child(dir, Number(w), Number(h), method, JSON.parse(times) as number[]);
}
