/**
 * The AI normaliser on the 36 MP Nikon D800 JPEG of the shared data, against its floor and a
 * peer in the same run (absolute times drift ±20 % on shared machines; the ratios hold):
 *
 * - `evenlight normalize --mode ai` as a whole process (node start, model load, decode, AI,
 *   encode), peak RSS by /usr/bin/time -v;
 * - the floor: sharp decoding and re-encoding the same file (JPEG q92), as a whole process too:
 *   with sharp's own JPEG defaults (optimised Huffman tables, the floor), and with the
 *   settings Evenlight writes with (JPEG_DEFAULTS: standard tables), the like-for-like floor;
 * - the peer: RawTherapee's CLI with auto levels (`rawtherapee-cli`, Debian `rawtherapee`),
 *   when installed;
 * - the AI stage alone (after decode, before encode, in this process) against the in-process
 *   sharp floor of the same photo;
 * - the same photo pushed 4 stops darker (made here: linear light / 16, JPEG q92), whose deep
 *   shadows the transform lifts far enough to smooth first (shadow-smooth.ts): the whole
 *   process against its own sharp floor, and its AI stage against the original's;
 * - a camera RAW (the 9 MP DNG) to JPEG against RawTherapee's CLI, when installed (`dng`).
 * Each is run `REPS` times alternately; the medians are compared.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { normalizeFile } from '../electron/engine';
import { JPEG_DEFAULTS } from '../electron/common/formats';
import { darkerCodes, dataDir, installed, median, timedProcess } from './common';

const REPS = 3;
const root = resolve(__dirname, '..');

/** `src` with its linear light divided by 2^stops, as JPEG q92 (a photo that needs lifting far). */
async function writeDarker(src: string, dst: string, stops: number): Promise<void> {
  const { data, info } = await sharp(src).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const lut = darkerCodes(stops);
  for (let i = 0; i < data.length; i++) data[i] = lut[data[i]];
  await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 92 }).toFile(dst);
}

/**
 * A camera RAW (the shared data's DNG) to JPEG q92, whole processes: `evenlight normalize`
 * (decoded to floats by the RAW decoder beside the model's load, the transform written straight
 * into the JPEG's samples: pipeline.ts normalizeRawFast) against RawTherapee's CLI with auto levels.
 */
function dngAgainstRawTherapee(dir: string, pp3: string): Record<string, unknown> {
  const dng = join(dataDir, 'raw', 'blackmagic_pocket4k_dng', 'Blackmagic.dng');
  if (!existsSync(dng)) return { skipped: `no ${dng}` };
  const ours: Array<{ ms: number; peakRssMiB: number }> = [];
  const peer: Array<{ ms: number; peakRssMiB: number }> = [];
  for (let i = 0; i < REPS; i++) {
    ours.push(timedProcess(process.execPath, [join(root, 'bin', 'evenlight.js'), 'normalize', dng, '-o', join(dir, `dng${i}.jpg`), '--mode', 'ai']));
    peer.push(timedProcess('rawtherapee-cli', ['-o', join(dir, `dngrt${i}.jpg`), '-p', pp3, '-j92', '-js3', '-Y', '-c', dng]));
  }
  const ms = (xs: Array<{ ms: number }>): number => Math.round(median(xs.map((x) => x.ms)));
  return {
    photo: 'raw/blackmagic_pocket4k_dng/Blackmagic.dng 4128x2176',
    evenlightNormalizeMs: ms(ours),
    evenlightPeakRssMiB: Math.max(...ours.map((o) => o.peakRssMiB)),
    rawTherapeeAutoLevelsMs: ms(peer),
    rawTherapeePeakRssMiB: Math.max(...peer.map((o) => o.peakRssMiB)),
    ratioToRawTherapee: Math.round((ms(ours) / ms(peer)) * 100) / 100,
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const photo = join(dataDir, 'brackets', 'rawio_d800_align', 'align_3.jpg');
  if (!existsSync(photo)) return { skipped: `no ${photo}` };
  const dir = mkdtempSync(join(tmpdir(), 'evenlight-bench-ai-'));
  try {
    const meta = await sharp(photo).metadata();
    const floorScript = join(dir, 'floor.js');
    writeFileSync(
      floorScript,
      // argv[4] 'plain': Evenlight's JPEG settings (standard Huffman tables); else sharp's defaults
      `require(${JSON.stringify(require.resolve('sharp'))})(process.argv[2]).rotate().jpeg({ quality: 92, chromaSubsampling: '4:4:4', ...(process.argv[4] === 'plain' ? { optimiseCoding: false } : {}) }).toFile(process.argv[3]).catch((e) => { console.error(e); process.exit(1); });`,
    );
    const pp3 = join(dir, 'autolevels.pp3');
    writeFileSync(pp3, '[Version]\nAppVersion=5.9\nVersion=346\n\n[Exposure]\nAuto=true\nClip=0.02\n');
    const dark = join(dir, 'dark.jpg');
    await writeDarker(photo, dark, 4);
    const rt = installed('rawtherapee-cli');
    const ours: Array<{ ms: number; peakRssMiB: number }> = [];
    const floor: Array<{ ms: number; peakRssMiB: number }> = [];
    const plainFloor: Array<{ ms: number; peakRssMiB: number }> = [];
    const peer: Array<{ ms: number; peakRssMiB: number }> = [];
    const darkOurs: Array<{ ms: number; peakRssMiB: number }> = [];
    const darkFloor: Array<{ ms: number; peakRssMiB: number }> = [];
    for (let i = 0; i < REPS; i++) {
      floor.push(timedProcess(process.execPath, [floorScript, photo, join(dir, `floor${i}.jpg`)]));
      plainFloor.push(timedProcess(process.execPath, [floorScript, photo, join(dir, `plain${i}.jpg`), 'plain']));
      ours.push(timedProcess(process.execPath, [join(root, 'bin', 'evenlight.js'), 'normalize', photo, '-o', join(dir, `ai${i}.jpg`), '--mode', 'ai']));
      if (rt) peer.push(timedProcess('rawtherapee-cli', ['-o', join(dir, `rt${i}.jpg`), '-p', pp3, '-j92', '-js3', '-Y', '-c', photo]));
      darkFloor.push(timedProcess(process.execPath, [floorScript, dark, join(dir, `dfloor${i}.jpg`)]));
      darkOurs.push(timedProcess(process.execPath, [join(root, 'bin', 'evenlight.js'), 'normalize', dark, '-o', join(dir, `dai${i}.jpg`), '--mode', 'ai']));
    }
    // the AI stage alone, in this process, against sharp's decode + encode of the same photo here
    const q92 = { quality: 92, chromaSubsampling: '4:4:4' } as const;
    const stage: number[] = [];
    const inFloor: number[] = [];
    const inPlainFloor: number[] = [];
    const darkStage: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const t = performance.now();
      await sharp(photo).rotate().jpeg(q92).toFile(join(dir, `f${i}.jpg`));
      inFloor.push(performance.now() - t);
      const tp = performance.now();
      await sharp(photo).rotate().jpeg({ ...q92, optimiseCoding: false }).toFile(join(dir, `p${i}.jpg`));
      inPlainFloor.push(performance.now() - tp);
      const r = await normalizeFile(photo, join(dir, `s${i}.jpg`), { mode: 'ai' });
      if (r.report.mode !== 'ai') throw new Error(`ai did not run: ${r.report.fallback}`);
      stage.push(r.timings.normalize);
      darkStage.push((await normalizeFile(dark, join(dir, `ds${i}.jpg`), { mode: 'ai' })).timings.normalize);
    }
    const med = (xs: Array<{ ms: number }>): number => Math.round(median(xs.map((x) => x.ms)));
    const mb = (f: string): number => Math.round(statSync(join(dir, f)).size / 1e4) / 100;
    const out: Record<string, unknown> = {
      photo: `rawio_d800_align/align_3.jpg ${meta.width}x${meta.height}`,
      reps: REPS,
      evenlightNormalizeMs: med(ours),
      evenlightPeakRssMiB: Math.max(...ours.map((o) => o.peakRssMiB)),
      sharpFloorMs: med(floor),
      ratioToSharpFloor: Math.round((med(ours) / med(floor)) * 100) / 100,
      sharpFloorSameEncoderMs: med(plainFloor),
      ratioToSameEncoderFloor: Math.round((med(ours) / med(plainFloor)) * 100) / 100,
      jpegOptimizeCoding: JPEG_DEFAULTS.optimizeCoding,
      outputMB: { evenlight: mb('ai0.jpg'), sharpFloor: mb('floor0.jpg'), sameEncoderFloor: mb('plain0.jpg'), ...(rt ? { rawTherapee: mb('rt0.jpg') } : {}) },
      aiStageMs: Math.round(median(stage)),
      inProcessFloorMs: Math.round(median(inFloor)),
      aiStageRatioToFloor: Math.round((median(stage) / median(inFloor)) * 100) / 100,
      inProcessSameEncoderFloorMs: Math.round(median(inPlainFloor)),
      aiStageRatioToSameEncoderFloor: Math.round((median(stage) / median(inPlainFloor)) * 100) / 100,
      darker4Stops: {
        evenlightNormalizeMs: med(darkOurs),
        evenlightPeakRssMiB: Math.max(...darkOurs.map((o) => o.peakRssMiB)),
        sharpFloorMs: med(darkFloor),
        ratioToSharpFloor: Math.round((med(darkOurs) / med(darkFloor)) * 100) / 100,
        aiStageMs: Math.round(median(darkStage)),
        aiStageRatioToOriginal: Math.round((median(darkStage) / median(stage)) * 100) / 100,
      },
    };
    if (rt) {
      out.rawTherapeeAutoLevelsMs = med(peer);
      out.ratioToRawTherapee = Math.round((med(ours) / med(peer)) * 100) / 100;
    } else out.rawTherapee = 'rawtherapee-cli not installed (Debian package rawtherapee)';
    out.dng = rt ? dngAgainstRawTherapee(dir, pp3) : 'rawtherapee-cli not installed';
    out.targets = {
      ratioToSharpFloor: '<= 2.5',
      ratioToRawTherapee: '<= 0.33',
      evenlightPeakRssMiB: '<= 763 (800 MB)',
      aiStageRatioToFloor: '<= 0.6',
    };
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
