import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readImage } from '../../../electron/engine/image/io';
import { mertensFuse } from '../../../electron/engine/hdr/mertens';
import { calibrateDebevec, mergeDebevec } from '../../../electron/engine/hdr/debevec';
import { tonemapReinhardDevlin } from '../../../electron/engine/hdr/reinhard';
import { readHdr } from '../../../electron/engine/hdr/rgbe';
import { psnr } from '../../../electron/engine/metrics/psnr';
import { cliPath, tmpDir } from '../../helpers/paths';
import { writeSmallBracket } from '../../helpers/bracket-files';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}
const md5 = (p: string) => createHash('md5').update(readFileSync(p)).digest('hex');

test('fuse --method mertens: frames in any order, EXIF order, same pixels as the engine, originals untouched', async () => {
  const dir = tmpDir();
  const { files, times } = await writeSmallBracket(dir);
  const before = files.map(md5);
  const out = join(dir, 'fused.png');
  const scrambled = [files[2], files[0], files[1]];
  const r = cli('fuse', ...scrambled, '-o', out, '--json');
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { frames: Array<{ path: string; exposureTime: number }>; width: number };
  const sortedTimes = [...times].sort((a, b) => a - b);
  summary.frames.forEach((f, i) => assert.ok(Math.abs(f.exposureTime / sortedTimes[i] - 1) < 1e-4, `${f.exposureTime} vs ${sortedTimes[i]}`));
  const fused = (await readImage(out)).image;
  const order = [...files].sort((a, b) => times[files.indexOf(a)] - times[files.indexOf(b)]);
  const frames = await Promise.all(order.map(async (f) => (await readImage(f)).image));
  // the default is the paper's weights (1, 1, 1)
  assert.equal(psnr(fused, mertensFuse(frames, { contrast: 1, saturation: 1, exposure: 1 })), Infinity);
  // --weights chooses others (OpenCV's 1,1,0), and they make a different picture
  const ocv = join(dir, 'fused-110.png');
  assert.equal(cli('fuse', ...files, '-o', ocv, '--weights', '1,1,0').status, 0);
  const ocvFused = (await readImage(ocv)).image;
  assert.equal(psnr(ocvFused, mertensFuse(frames, { contrast: 1, saturation: 1, exposure: 0 })), Infinity);
  assert.ok(psnr(ocvFused, fused) < 60);
  assert.deepEqual(files.map(md5), before);
});

test('fuse --method debevec-reinhard --hdr writes both; radiance reads back', async () => {
  const dir = tmpDir();
  const { files, times } = await writeSmallBracket(dir);
  const out = join(dir, 'dr.jpg');
  const hdrPath = join(dir, 'dr.hdr');
  const r = cli('fuse', ...files, '-o', out, '--method', 'debevec-reinhard', '--hdr', hdrPath);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /debevec-reinhard of 3 frames/);
  const imgs = await Promise.all(files.map(async (f) => (await readImage(f)).image));
  const order = [0, 1, 2].sort((a, b) => times[a] - times[b]);
  const sortedImgs = order.map((i) => imgs[i]);
  const sortedTimes = order.map((i) => times[i]);
  const hdr = mergeDebevec(sortedImgs, sortedTimes, calibrateDebevec(sortedImgs, sortedTimes));
  const back = await readHdr(hdrPath);
  let maxRel = 0;
  // RGBE keeps 8 bits of mantissa relative to the brightest channel of each pixel
  for (let i = 0; i < hdr.data.length; i++) {
    const p = i - (i % 3);
    const peak = Math.max(hdr.data[p], hdr.data[p + 1], hdr.data[p + 2]);
    maxRel = Math.max(maxRel, Math.abs(back.image.data[i] - hdr.data[i]) / peak);
  }
  assert.ok(maxRel < 1 / 128, String(maxRel));
  const ldr = tonemapReinhardDevlin(hdr, { gamma: 1.5, lightAdapt: 0 });
  const written = (await readImage(out)).image;
  assert.ok(psnr(written, ldr) > 38, String(psnr(written, ldr))); // JPEG q92 of the same pixels
});

test('fuse needs exposure times for debevec: clear error without EXIF, works with --times', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  // strip EXIF: PNG copies
  const bare: string[] = [];
  for (const [i, f] of files.entries()) {
    const p = join(dir, `bare${i}.png`);
    await sharp(f).png().toFile(p);
    bare.push(p);
  }
  const out = join(dir, 'x.png');
  const r = cli('fuse', ...bare, '-o', out, '--method', 'debevec-reinhard');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bare0\.png: no exposure time in EXIF.*--times/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(!existsSync(out));
  const ok = cli('fuse', ...bare, '-o', out, '--method', 'debevec-reinhard', '--times', '1/60,1/15,1/4');
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(existsSync(out));
  // mertens does not need times
  assert.equal(cli('fuse', ...bare, '-o', join(dir, 'm.png')).status, 0);
});

test('fuse --align reports the shift of a displaced frame', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  // move the darkest frame 6 px right, 3 px down (extend + crop keeps the size)
  const moved = join(dir, 'moved.png');
  const { width = 0, height = 0 } = await sharp(files[1]).metadata();
  const extended = await sharp(files[1]).extend({ left: 6, top: 3, background: '#000' }).png().toBuffer();
  await sharp(extended).extract({ left: 0, top: 0, width, height }).png().toFile(moved);
  const r = cli('fuse', moved, files[0], files[2], '-o', join(dir, 'a.png'), '--align', '--times', '1/60,1/15,1/4', '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { frames: Array<{ path: string; shift: { x: number; y: number } }>; width: number };
  assert.deepEqual(s.frames.find((f) => f.path === moved)?.shift, { x: -6, y: -3 });
  assert.equal(s.width, width - 6);
});

test('fuse usage errors exit 2', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const out = join(dir, 'o.png');
  assert.equal(cli('fuse', files[0], '-o', out).status, 2);
  assert.equal(cli('fuse', ...files, '-o', out, '--method', 'magic').status, 2);
  assert.equal(cli('fuse', ...files, '-o', out, '--times', '1/60,abc,1').status, 2);
  assert.equal(cli('fuse', ...files, '-o', out, '--times', '1,2').status, 2);
  assert.equal(cli('fuse', ...files, '-o', join(dir, 'o.bmp')).status, 2);
  assert.equal(cli('fuse', ...files).status, 2);
  const missing = cli('fuse', files[0], join(dir, 'nope.jpg'), '-o', out);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.jpg: file not found/);
});

test('fuse on a terminal says where it is on one line, cleared at the end; piped, it prints no progress', { skip: existsSync('/usr/bin/script') ? false : 'no script(1) to give it a terminal' }, async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const out = join(dir, 'fused.png');
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // script(1) runs the command on a pseudo-terminal and copies what it writes to stdout
  const r = spawnSync('/usr/bin/script', ['-qec', [process.execPath, cliPath, 'fuse', ...files, '-o', out].map(quote).join(' '), '/dev/null'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\rreading 100% +\r/);
  assert.match(r.stdout, /\rfusing 100% +\r {24}\r.*fused\.png: mertens of 3 frames/);
  const piped = cli('fuse', ...files, '-o', out);
  assert.equal(piped.status, 0, piped.stderr);
  assert.equal(piped.stderr, '');
  assert.doesNotMatch(piped.stdout, /\r|fusing/);
});
