// A folder of small real photos (re-encoded from the shared data set) plus broken files,
// for batch and CLI tests.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { dataDir, tmpDir } from './paths';

export interface BatchFixture {
  dir: string;
  good: string[];
  bad: string[];
}

export async function makeBatchFolder(opts: { count?: number; side?: number; bad?: boolean } = {}): Promise<BatchFixture> {
  const dir = tmpDir('evenlight-batch-in-');
  mkdirSync(join(dir, 'sub'));
  const count = opts.count ?? 4;
  const side = opts.side ?? 160;
  const good: string[] = [];
  for (let i = 0; i < count; i++) {
    const src = join(dataDir, 'photos', 'kodak24', `kodim${String((i % 24) + 1).padStart(2, '0')}.png`);
    const isPng = i % 2 === 1;
    const name = isPng ? `photo${i}.png` : `photo${i}.jpg`;
    const out = join(dir, i === count - 1 ? 'sub' : '', name);
    const p = sharp(src).resize(side, side, { fit: 'inside' }).linear(0.4, 0); // under-exposed
    await (isPng ? p.png() : p.jpeg({ quality: 90 })).toFile(out);
    good.push(out);
  }
  if (opts.bad === false) return { dir, good, bad: [] };
  const truncated = join(dir, 'truncated.jpg');
  writeFileSync(truncated, readFileSync(good[0]).subarray(0, 600));
  const text = join(dir, 'notes.jpg');
  writeFileSync(text, 'this is not a photo\n');
  writeFileSync(join(dir, 'readme.txt'), 'ignored: not an image extension\n');
  return { dir, good, bad: [text, truncated] };
}
