import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHdr, encodeHdr, readHdr, writeHdr } from '../../../electron/engine/hdr/rgbe';
import type { RgbFloat } from '../../../electron/engine/image/types';
import { tmpDir } from '../../helpers/paths';

function radianceScene(w: number, h: number): RgbFloat {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const j = (y * w + x) * 3;
      // spans 1e-3 .. 1e3 with flat areas (runs) and busy areas (literals)
      const base = x < w / 3 ? 0.25 : 10 ** (((x * 7 + y * 3) % 60) / 10 - 3);
      data[j] = base;
      data[j + 1] = base * 0.5;
      data[j + 2] = y % 5 === 0 ? 0 : base * 2;
    }
  return { width: w, height: h, data };
}

function maxRelErr(a: RgbFloat, b: RgbFloat): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i += 3) {
    const peak = Math.max(a.data[i], a.data[i + 1], a.data[i + 2]);
    for (let c = 0; c < 3; c++) m = Math.max(m, Math.abs(a.data[i + c] - b.data[i + c]) / Math.max(peak, 1e-30));
  }
  return m;
}

test('RLE and flat round trips keep values within RGBE precision (1/256 of the pixel max)', async () => {
  const dir = tmpDir();
  for (const w of [150, 5]) {
    const img = radianceScene(w, 17);
    const path = join(dir, `x${w}.hdr`);
    await writeHdr(path, img);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
    const back = await readHdr(path);
    assert.equal(back.image.width, w);
    assert.ok(maxRelErr(img, back.image) < 1 / 128, String(maxRelErr(img, back.image)));
  }
  // RLE must actually compress the flat third of the image
  assert.ok(encodeHdr(radianceScene(150, 17)).length < 150 * 17 * 4);
});

test('reads real-world headers: #?RGBE, VIEW= before FORMAT=, EXPOSURE=, old-style runs, +Y', () => {
  const w = 4;
  const head = '#?RGBE\nSOFTWARE=hand made\nVIEW= -vtv -vp 0 0 0 -vd 0 1 0\nEXPOSURE=2\nFORMAT=32-bit_rle_rgbe\nEXPOSURE=0.5\nEXPOSURE=4\n\n+Y 2 +X 4\n';
  // bottom row first because of +Y: pixel (128,64,32,e=129) then old-style run of 3
  const rows = [
    [128, 64, 32, 129, 1, 1, 1, 3],
    [0, 0, 0, 0, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 130],
  ];
  const buf = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(rows[0]), Buffer.from(rows[1])]);
  const r = decodeHdr(buf, 'hand.hdr');
  assert.equal(r.exposure, 4);
  assert.ok(r.header.some((l) => l.startsWith('VIEW=')));
  assert.equal(r.image.width, w);
  assert.equal(r.image.height, 2);
  // file's first scanline is the bottom row (index 1)
  const px = (x: number, y: number) => Array.from(r.image.data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
  assert.deepEqual(px(3, 1), [(128.5 * 2) / 256 / 4, (64.5 * 2) / 256 / 4, (32.5 * 2) / 256 / 4]);
  assert.deepEqual(px(0, 0), [0, 0, 0]);
  assert.deepEqual(px(3, 0), [(128.5 * 4) / 256 / 4, (128.5 * 4) / 256 / 4, (128.5 * 4) / 256 / 4]);
});

test('bad files give one-line errors naming the file', () => {
  assert.throws(() => decodeHdr(Buffer.from('P6\n1 1\n255\nabc'), 'x.hdr'), /^EvenlightError: x\.hdr: not a valid Radiance .hdr file: unknown signature/);
  const good = encodeHdr(radianceScene(40, 6));
  assert.throws(() => decodeHdr(good.subarray(0, good.length - 10), 'cut.hdr'), /cut\.hdr: .*truncated/);
  assert.throws(() => decodeHdr(Buffer.from('#?RADIANCE\nFORMAT=32-bit_rle_xyze\n\n-Y 1 +X 1\n\0\0\0\0'), 'xyz.hdr'), /xyz\.hdr: .*not supported/);
});

test('interoperates with OpenCV: it reads our file, we read its file', () => {
  const dir = tmpDir();
  const img = radianceScene(64, 9);
  writeFileSync(join(dir, 'ours.hdr'), encodeHdr(img));
  writeFileSync(join(dir, 'img.f32'), Buffer.from(img.data.buffer));
  const py = `
import cv2, numpy as np, sys
d=sys.argv[1]
a=cv2.imread(d+'/ours.hdr', cv2.IMREAD_UNCHANGED)
a=cv2.cvtColor(a, cv2.COLOR_BGR2RGB).astype('<f4'); a.tofile(d+'/cv_read.f32')
x=np.fromfile(d+'/img.f32', dtype='<f4').reshape(9,64,3)
cv2.imwrite(d+'/cv.hdr', cv2.cvtColor(x, cv2.COLOR_RGB2BGR))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const cvRead = readFileSync(join(dir, 'cv_read.f32'));
  const theirs = { width: 64, height: 9, data: new Float32Array(cvRead.buffer, cvRead.byteOffset, cvRead.byteLength / 4) };
  assert.ok(maxRelErr(img, theirs) < 1 / 100, `cv2 reading ours: ${maxRelErr(img, theirs)}`);
  const ours = decodeHdr(readFileSync(join(dir, 'cv.hdr')), 'cv.hdr');
  assert.ok(maxRelErr(img, ours.image) < 1 / 100, `we reading cv2's: ${maxRelErr(img, ours.image)}`);
});
