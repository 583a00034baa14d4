// Real photos from the shared data set as RgbFloat (read with sharp), and exposure
// changes applied in linear light the way a camera would have recorded them.
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbFloat } from '../../electron/engine/image/types';
import { dataDir } from './paths';

export async function loadPhoto(rel: string, maxSide = 0): Promise<RgbFloat> {
  let p = sharp(join(dataDir, rel)).removeAlpha().toColourspace('srgb');
  if (maxSide) p = p.resize(maxSide, maxSide, { fit: 'inside' });
  const { data, info } = await p.raw().toBuffer({ resolveWithObject: true });
  const f = new Float32Array(info.width * info.height * 3);
  for (let i = 0; i < f.length; i++) f[i] = data[i] / 255;
  return { width: info.width, height: info.height, data: f };
}

const toLin = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const toSrgb = (v: number) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);

/** Scales linear light by 2^ev and clips at 1, as a mis-exposed capture would. */
export function exposeBy(img: RgbFloat, ev: number): RgbFloat {
  const g = 2 ** ev;
  return { ...img, data: img.data.map((v) => Math.min(1, toSrgb(toLin(v) * g))) };
}

export function meanAbsDiff(a: RgbFloat, b: RgbFloat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(Math.min(1, a.data[i]) - Math.min(1, b.data[i]));
  return s / a.data.length;
}

/** A smooth synthetic photo: red ramps across, green down, blue constant, all scaled by `gain`. */
export function gradient(width: number, height: number, gain: number): RgbFloat {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([(gain * x) / width, (gain * y) / height, gain * 0.5], (y * width + x) * 3);
  return { width, height, data };
}
