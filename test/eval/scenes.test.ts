// listFolderScenes and evaluateDataset on a tree without scene.json (a photographer's own
// folders): EXIF-bracketed shots become one scene per bracket with their exposure times; a
// folder of frames without EXIF is one bracket put in order by brightness once decoded; a
// lone photo is no bracket. Photos are generated here with sharp (and EXIF written by the
// project's own block builder).
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { embedExifInJpeg } from '../../electron/engine/image/embed-metadata';
import { evaluateDataset } from '../../electron/eval/evaluate';
import { listBracketScenes, listFolderScenes, ORDER_BY_IMAGES } from '../../electron/eval/scenes';
import { buildExifBlock } from '../fixtures/exif-block';
import { tmpDir } from '../helpers/paths';

/** A textured scene exposed by 2^ev, as JPEG; with EXIF capture time and exposure time when `t` is given. */
async function frame(path: string, ev: number, t?: [number, number], time = '10:00:00'): Promise<void> {
  const w = 64, h = 48;
  const buf = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const lin = (x > w / 2 ? 1.5 : 0.1) * (1 + 0.3 * Math.sin(x / 3) * Math.cos(y / 4));
      for (let c = 0; c < 3; c++) buf[(y * w + x) * 3 + c] = Math.round(Math.min(1, lin * (0.8 + 0.1 * c) * 2 ** ev) ** (1 / 2.2) * 255);
    }
  }
  const jpeg = await sharp(buf, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
  if (!t) return writeFileSync(path, jpeg);
  const block = buildExifBlock(
    [{ tag: 271, type: 'ascii', value: 'Evenlight' }],
    [
      { tag: 36867, type: 'ascii', value: `2024:06:01 ${time}` },
      { tag: 33434, type: 'rational', value: [t] },
    ],
  );
  writeFileSync(path, embedExifInJpeg(jpeg, block));
}

async function tree(root: string): Promise<void> {
  // no EXIF, names in no exposure order
  mkdirSync(join(root, 'night', 'seq'), { recursive: true });
  await frame(join(root, 'night', 'seq', 'b.jpg'), 1);
  await frame(join(root, 'night', 'seq', 'a.jpg'), -3);
  await frame(join(root, 'night', 'seq', 'c.jpg'), -1);
  // an auto-exposure bracket with EXIF, file order != exposure order
  mkdirSync(join(root, 'aeb'));
  await frame(join(root, 'aeb', '1.jpg'), 0, [1, 60]);
  await frame(join(root, 'aeb', '2.jpg'), -2, [1, 250]);
  await frame(join(root, 'aeb', '3.jpg'), 2, [1, 15], '10:00:01');
  // one photo: no bracket
  mkdirSync(join(root, 'single'));
  await frame(join(root, 'single', 'x.jpg'), 0);
}

test('a tree without scene.json: folders of photos are the brackets, EXIF brackets keep their times', async () => {
  const root = tmpDir('evenlight-folder-scenes-');
  try {
    await tree(root);
    assert.deepEqual(listBracketScenes(root), [], 'no scene.json: the scene.json layout finds nothing');
    const scenes = await listFolderScenes(root);
    assert.deepEqual(scenes.map((s) => s.id), ['aeb', 'night/seq']);
    const [aeb, night] = scenes;
    assert.deepEqual(aeb.frames.map((f) => f.slice(-5)), ['2.jpg', '1.jpg', '3.jpg'], 'EXIF bracket: darkest first');
    assert.deepEqual(aeb.exposures.map((e) => e.timeS), [1 / 250, 1 / 60, 1 / 15]);
    assert.deepEqual(aeb.flags, []);
    assert.deepEqual(night.flags, [ORDER_BY_IMAGES], 'no EXIF: ordered once decoded');
    assert.ok(night.exposures.every((e) => e.timeS === null));
    await assert.rejects(listFolderScenes(join(root, 'missing')), /does not exist/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('eval on such a tree orders the frames darkest first, scores the middle exposure, and says when it finds nothing', async () => {
  const root = tmpDir('evenlight-folder-eval-');
  try {
    await tree(root);
    const r = await evaluateDataset(root, { frames: 'all', methods: ['as-shot'], maxSide: 64 });
    assert.deepEqual(r.failures, []);
    const night = r.rows.filter((x) => x.scene === 'night/seq');
    assert.deepEqual(night.map((x) => x.frame), ['a.jpg', 'c.jpg', 'b.jpg'], 'sorted by brightness');
    assert.deepEqual(night.map((x) => x.frameIndex), [0, 1, 2]);
    assert.equal(night.find((x) => x.middle)?.frame, 'c.jpg', 'the middle exposure');
    assert.ok(night[0].ev < night[1].ev && night[1].ev < night[2].ev, `EVs rise with the order (${night.map((x) => x.ev)})`);
    assert.ok(night.every((x) => x.evSource === 'image'));
    const aeb = r.rows.filter((x) => x.scene === 'aeb');
    assert.deepEqual(aeb.map((x) => x.frame), ['2.jpg', '1.jpg', '3.jpg']);
    assert.ok(aeb.every((x) => x.evSource === 'metadata'));
    assert.ok(Math.abs(aeb[2].ev - aeb[0].ev - Math.log2(250 / 15)) < 1e-9, 'EVs from the exposure times');
    assert.ok(r.rows.every((x) => x.split === 'unsplit'));
    const empty = tmpDir('evenlight-folder-empty-');
    try {
      assert.equal((await evaluateDataset(empty, { methods: ['as-shot'] })).rows.length, 0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
