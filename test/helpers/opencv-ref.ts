// Parity-test plumbing: downscaled bracket PNGs shared by both implementations, and a
// runner for test/fixtures/opencv_ref.py (Debian's python3-opencv, reference only).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbFloat } from '../../electron/engine/image/types';
import { dataDir, repoRoot, tmpDir } from './paths';

export interface Bracket {
  dir: string;
  pngs: string[];
  images: RgbFloat[];
  times: number[];
}

interface SceneJson {
  exposures: Array<{ file: string; exposure_time_s: number | null }>;
}

/** Writes the scene's frames (darkest first) resized to `width` px wide as PNG, and decodes them back. */
export async function prepareBracket(scene: string, width: number, frames?: number[]): Promise<Bracket> {
  const sceneDir = join(dataDir, 'brackets', scene);
  const meta = JSON.parse(readFileSync(join(sceneDir, 'scene.json'), 'utf8')) as SceneJson;
  const exps = frames ? frames.map((i) => meta.exposures[i]) : meta.exposures;
  const dir = tmpDir('evenlight-parity-');
  const pngs: string[] = [];
  const images: RgbFloat[] = [];
  for (const [i, e] of exps.entries()) {
    const png = join(dir, `frame${i}.png`);
    await sharp(join(sceneDir, e.file)).rotate().resize({ width }).removeAlpha().png().toFile(png);
    pngs.push(png);
    images.push(await decodePng(png));
  }
  return { dir, pngs, images, times: exps.map((e) => e.exposure_time_s ?? NaN) };
}

export async function decodePng(path: string): Promise<RgbFloat> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const f = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) f[i] = data[i] / 255;
  return { width: info.width, height: info.height, data: f };
}

export interface OpenCvResult {
  meta: { width: number; height: number; opencv: string; shifts?: number[][]; seconds: Record<string, number> };
  read(name: string): Float32Array;
}

export function runOpenCv(b: Bracket, ops: string[]): OpenCvResult {
  const times = b.times.every(Number.isFinite) ? b.times.join(',') : '-';
  const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'test/fixtures/opencv_ref.py'), b.dir, times, ops.join(','), ...b.pngs], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`opencv_ref.py failed: ${r.stderr}`);
  return {
    meta: JSON.parse(readFileSync(join(b.dir, 'meta.json'), 'utf8')) as OpenCvResult['meta'],
    read(name: string): Float32Array {
      const buf = readFileSync(join(b.dir, `${name}.f32`));
      return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    },
  };
}
