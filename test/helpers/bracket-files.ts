// Writes a small real bracket (downscaled from dataDir/brackets) as JPEGs that keep the
// camera EXIF (exposure times), for fusion / compare-fusion tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { dataDir } from './paths';

export async function writeSmallBracket(dir: string, scene = 'rawio_canon5d3_foyer', width = 360): Promise<{ files: string[]; times: number[] }> {
  const sceneDir = join(dataDir, 'brackets', scene);
  const meta = JSON.parse(readFileSync(join(sceneDir, 'scene.json'), 'utf8')) as { exposures: Array<{ file: string; exposure_time_s: number }> };
  const files: string[] = [];
  for (const e of meta.exposures) {
    const out = join(dir, `small_${e.file}`);
    await sharp(join(sceneDir, e.file)).resize({ width }).keepExif().jpeg({ quality: 95 }).toFile(out);
    files.push(out);
  }
  return { files, times: meta.exposures.map((e) => e.exposure_time_s) };
}
