import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { fuseFiles, fuseFrames, fuseToFile, loadFrames, fusedOutputFormat } from '../../electron/engine/fusion';
import { greyIccProfile } from '../fixtures/grey-icc';
import { tmpDir } from '../helpers/paths';
import { writeSmallBracket } from '../helpers/bracket-files';

test('fusion reads EXIF times, sorts darkest first and reports progress', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const stages = new Set<string>();
  const r = await fuseFiles([files[2], files[1], files[0]], { method: 'debevec-reinhard', onProgress: (s) => stages.add(s) });
  const t = r.frames.map((f) => f.exposureTime as number);
  assert.ok(t[0] < t[1] && t[1] < t[2]);
  assert.ok(r.hdr && r.hdr.width === r.image.width);
  assert.deepEqual([...stages], ['read', 'radiance', 'tonemap']);
  assert.ok(r.image.data.every((v) => v >= 0 && v <= 1));
});

test('frames of different sizes and too few frames are refused with the file named', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const other = join(dir, 'other.png');
  await sharp(files[0]).resize({ width: 100 }).png().toFile(other);
  await assert.rejects(loadFrames([files[0], other]), /other\.png: size 100x67 differs from/);
  await assert.rejects(loadFrames([files[0]]), /at least 2 frames/);
  await assert.rejects(loadFrames(files, { times: [1, 2] }), /2 exposure times given for 3 files/);
  const frames = await loadFrames(files);
  frames[1].exposureTime = undefined;
  assert.throws(() => fuseFrames(frames, { method: 'debevec-reinhard' }), /no exposure time in EXIF/);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(fuseFiles(files, { signal: ac.signal }), /cancelled/);
  assert.equal(fusedOutputFormat('x.TIF'), 'tiff16');
  assert.throws(() => fusedOutputFormat('x.gif'), /unknown output type/);
});

test('at full size frames are read as the integers they decode to, one read ahead, and fuse as their float copies do', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const decoded = await loadFrames(files);
  assert.ok(decoded.every((f) => 'bits' in f.image && f.image.bits === 8));
  const floats = await loadFrames(files, { maxSide: 100000 });
  assert.ok(floats.every((f) => !('bits' in f.image)));
  assert.deepEqual(fuseFrames(decoded).image.data, fuseFrames(floats).image.data);
  // a broken frame in the middle is named, whichever read was ahead
  const broken = join(dir, 'broken.jpg');
  writeFileSync(broken, readFileSync(files[1]).subarray(0, 200));
  await assert.rejects(loadFrames([files[0], broken, files[2]]), (err: Error) => err.message.startsWith(`${broken}:`) && !err.message.includes('\n'));
  await assert.rejects(loadFrames([files[0], files[1], broken]), (err: Error) => err.message.startsWith(`${broken}:`));
});

test('a black-and-white bracket fuses to a black-and-white file with its grey profile; one grey frame among colour ones does not', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir, 'merianos_flowers', 240);
  const iccFile = join(dir, 'grey.icc');
  writeFileSync(iccFile, greyIccProfile());
  const grey = await Promise.all(files.map(async (f, i) => {
    const out = join(dir, `grey${i}.jpg`);
    await sharp(f).toColourspace('b-w').withIccProfile(iccFile).jpeg({ quality: 95 }).toFile(out);
    return out;
  }));
  const fused = join(dir, 'fused.png');
  await fuseToFile(grey, fused);
  const md = await sharp(fused).metadata();
  assert.equal(md.channels, 1);
  assert.ok(md.icc?.equals(greyIccProfile()), 'the grey profile carried');
  const mixed = join(dir, 'mixed.png');
  await fuseToFile([files[0], grey[1], files[2]], mixed);
  const mm = await sharp(mixed).metadata();
  assert.equal(mm.channels, 3, 'colour frames fuse to colour');
  assert.equal(mm.icc, undefined, 'and the middle frame\'s grey profile is not put on them');
});
