// evaluateDataset on a bracket dataset generated here (three exposures of a synthetic scene
// written as JPEG with sharp), through the real Mertens fusion, metrics and shipped model.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { evaluateDataset, summarize } from '../../../electron/engine/eval/evaluate';
import { listBracketScenes, middleFrame, readSplit } from '../../../electron/engine/eval/scenes';
import { repoRoot, tmpDir } from '../../helpers/paths';

async function writeBracket(dir: string, evs: number[], w = 96, h = 64): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const exposures = [];
  for (const [i, ev] of evs.entries()) {
    const buf = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // a linear-light scene with a bright window and texture, exposed by 2^ev
        const lin = (x > w / 2 && y < h / 2 ? 2.5 : 0.12) * (1 + 0.3 * Math.sin(x / 3) * Math.cos(y / 4));
        for (let c = 0; c < 3; c++) {
          const v = Math.min(1, lin * (0.8 + 0.1 * c) * 2 ** ev) ** (1 / 2.2);
          buf[(y * w + x) * 3 + c] = Math.round(v * 255);
        }
      }
    }
    const file = `f${i}.jpg`;
    await sharp(buf, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).toFile(join(dir, file));
    exposures.push({ file });
  }
  writeFileSync(join(dir, 'scene.json'), JSON.stringify({ name: 'x', kind: 'bracket', exposures, flags: [] }));
}

test('middleFrame picks the middle (lower middle for even counts)', () => {
  assert.equal(middleFrame(1), 0);
  assert.equal(middleFrame(3), 1);
  assert.equal(middleFrame(4), 1);
  assert.equal(middleFrame(7), 3);
});

test('eval scores every method per frame against the fusion, by split, and reports broken scenes', async () => {
  const root = tmpDir('evenlight-eval-');
  try {
    await writeBracket(join(root, 'brackets', 'a'), [-2, 0, 2]);
    await writeBracket(join(root, 'brackets', 'b'), [-1, 1]);
    mkdirSync(join(root, 'photos', 'p'), { recursive: true });
    writeFileSync(join(root, 'photos', 'p', 'scene.json'), JSON.stringify({ kind: 'photo_collection', exposures: [{ file: 'x.jpg' }] }));
    mkdirSync(join(root, 'brackets', 'broken'), { recursive: true });
    writeFileSync(join(root, 'brackets', 'broken', 'scene.json'), JSON.stringify({ kind: 'bracket', exposures: [{ file: 'missing.jpg' }] }));
    const splitPath = join(root, 'split.json');
    writeFileSync(splitPath, JSON.stringify({ train: [], dev: [], test: ['brackets/a'] }));

    const scenes = listBracketScenes(root);
    assert.deepEqual(scenes.map((s) => s.id), ['brackets/a', 'brackets/b', 'brackets/broken']);
    assert.equal(readSplit(splitPath).get('brackets/a'), 'test');

    const r = await evaluateDataset(root, { frames: 'all', splitPath, methods: ['as-shot', 'classic', 'ai'], tiledCheck: true, modelDir: join(repoRoot, 'models') });
    assert.equal(r.failures.length, 1);
    assert.match(r.failures[0].error, /missing\.jpg/);
    assert.equal(r.rows.length, (3 + 2) * 3);
    assert.ok(r.rows.every((x) => Number.isFinite(x.psnr) && x.ssim > -1 && x.ssim <= 1));
    assert.deepEqual([...new Set(r.rows.filter((x) => x.scene === 'brackets/b').map((x) => x.split))], ['unsplit']);
    // the middle (0 EV) frame is closer to the fusion than the -2 EV frame
    const asShot = r.rows.filter((x) => x.scene === 'brackets/a' && x.method === 'as-shot');
    assert.ok(asShot[1].psnr > asShot[0].psnr);
    assert.equal(r.tiledVsWhole.length, 5);
    assert.ok(r.tiledVsWhole.every((t) => t.psnr >= 40), 'tiled and whole-frame passes agree');
    const test = r.summary.find((s) => s.method === 'ai' && s.split === 'test');
    assert.equal(test?.n, 3);
    assert.deepEqual(summarize(r.rows), r.summary);

    const mid = await evaluateDataset(root, { frames: 'middle', splitPath, methods: ['as-shot'], splits: ['test'] });
    assert.deepEqual(mid.rows.map((x) => x.frame), ['f1.jpg']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
