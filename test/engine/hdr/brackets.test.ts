import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { findBrackets, groupBrackets, scanBracketDir } from '../../../electron/engine/hdr/brackets';
import { embedExifInJpeg } from '../../../electron/engine/image/embed-metadata';
import { buildExifBlock, type Field } from '../../fixtures/exif-block';
import { dataDir, tmpDir } from '../../helpers/paths';

interface Shot {
  name: string;
  time: string; // HH:MM:SS on 2024-06-01
  t?: [number, number];
  bias?: [number, number];
  make?: string;
  w?: number;
  h?: number;
}

async function writeShot(dir: string, s: Shot): Promise<string> {
  const w = s.w ?? 64, h = s.h ?? 48;
  const jpeg = await sharp({ create: { width: w, height: h, channels: 3, background: { r: 90, g: 120, b: 150 } } }).jpeg().toBuffer();
  const exif: Field[] = [{ tag: 36867, type: 'ascii', value: `2024:06:01 ${s.time}` }];
  if (s.t) exif.push({ tag: 33434, type: 'rational', value: [s.t] });
  if (s.bias) exif.push({ tag: 37380, type: 'srational', value: [s.bias] });
  const block = buildExifBlock(
    [
      { tag: 271, type: 'ascii', value: s.make ?? 'Evenlight' },
      { tag: 272, type: 'ascii', value: 'EC-1' },
    ],
    exif,
  );
  const path = join(dir, s.name);
  writeFileSync(path, embedExifInJpeg(jpeg, block));
  return path;
}

const SHOTS: Shot[] = [
  // a 3-frame bracket, file order != exposure order
  { name: 'a1.jpg', time: '10:00:00', t: [1, 60] },
  { name: 'a2.jpg', time: '10:00:00', t: [1, 250] },
  { name: 'a3.jpg', time: '10:00:01', t: [1, 15] },
  // same camera, next exposure but 10 s later: not part of it
  { name: 'a4.jpg', time: '10:00:11', t: [1, 4] },
  // long exposure: the 4 s shot ends at 10:01:04, the next starts 1 s later -> same bracket
  { name: 'b1.jpg', time: '10:01:00', t: [1, 30] },
  { name: 'b2.jpg', time: '10:01:00', t: [4, 1] },
  { name: 'b3.jpg', time: '10:01:05', t: [1, 2] },
  // different camera
  { name: 'c1.jpg', time: '10:02:00', t: [1, 100] },
  { name: 'c2.jpg', time: '10:02:00', t: [1, 25], make: 'OtherCam' },
  // same exposure twice
  { name: 'd1.jpg', time: '10:03:00', t: [1, 50] },
  { name: 'd2.jpg', time: '10:03:01', t: [1, 50] },
  // different size
  { name: 'e1.jpg', time: '10:04:00', t: [1, 100] },
  { name: 'e2.jpg', time: '10:04:00', t: [1, 25], w: 48, h: 64 },
  // bias-only auto bracket (no exposure times recorded)
  { name: 'f1.jpg', time: '10:05:00', bias: [2, 1] },
  { name: 'f2.jpg', time: '10:05:00', bias: [-2, 1] },
  { name: 'f3.jpg', time: '10:05:01', bias: [0, 1] },
];

test('groups real JPEGs into brackets from EXIF, with near misses left out', async () => {
  const dir = tmpDir();
  for (const s of SHOTS) await writeShot(dir, s);
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  writeFileSync(join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff]));
  const scan = await scanBracketDir(dir);
  const names = scan.brackets.map((b) => b.frames.map((f) => basename(f.path)));
  assert.deepEqual(names, [
    ['a2.jpg', 'a1.jpg', 'a3.jpg'],
    ['b1.jpg', 'b3.jpg', 'b2.jpg'],
    ['f2.jpg', 'f3.jpg', 'f1.jpg'],
  ]);
  assert.equal(scan.brackets[0].camera, 'Evenlight EC-1');
  assert.equal(scan.brackets[0].width, 64);
  assert.ok(Math.abs((scan.brackets[0].evSpan ?? 0) - Math.log2(250 / 15)) < 1e-9);
  assert.equal(scan.brackets[2].evSpan, undefined);
  const single = (n: string) => scan.singles.find((s) => basename(s.path) === n)?.reason ?? '';
  assert.match(single('a4.jpg'), /previous shot: taken 9\.9 s after it ended/);
  assert.match(single('c2.jpg'), /previous shot: different camera/);
  assert.match(single('d2.jpg'), /previous shot: same exposure/);
  assert.match(single('d1.jpg'), /next shot: same exposure/);
  assert.match(single('e2.jpg'), /previous shot: different image size/);
  for (const n of ['c1.jpg', 'd1.jpg', 'e1.jpg']) assert.ok(single(n), n);
  // the broken JPEG has no EXIF: it is a single, not a crash
  assert.match(single('broken.jpg'), /no capture time/);
  assert.equal(scan.failed.length, 0);
});

test('a missing file is reported as failed with its name', async () => {
  const r = await findBrackets(['/nonexistent/x.jpg']);
  assert.equal(r.failed.length, 1);
  assert.match(r.failed[0].error, /x\.jpg: file not found/);
});

test('gap tolerance is configurable and allows for exposure length', () => {
  const f = (path: string, s: number, t: number) => ({ path, captureMs: s * 1000, exposureTime: t, camera: 'c', width: 1, height: 1 });
  assert.equal(groupBrackets([f('x', 0, 10), f('y', 13, 1)]).brackets.length, 0); // 3 s after a 10 s shot
  assert.equal(groupBrackets([f('x', 0, 10), f('y', 13, 1)], { maxGapSeconds: 3 }).brackets.length, 1);
});

test('real camera brackets from the data set are found with their EXIF order', async () => {
  const scan = await scanBracketDir(join(dataDir, 'brackets', 'rawio_canon70d_kitchen'));
  assert.equal(scan.brackets.length, 1);
  const b = scan.brackets[0];
  assert.equal(b.camera, 'Canon EOS 70D');
  // 30 s and 8 s exposures: the gaps only fit because exposure length is allowed for
  assert.deepEqual(b.frames.map((f) => basename(f.path)), ['group_6.jpg', 'group_7.jpg', 'group_8.jpg', 'group_9.jpg', 'group_10.jpg']);
  // hand-held shots several seconds apart are not an auto bracket
  const rot = await scanBracketDir(join(dataDir, 'brackets', 'rawio_d800_align_rotation'));
  assert.equal(rot.brackets.length, 0);
  assert.equal(rot.singles.length, 5);
});
