// evaluateDataset on a bracket dataset generated here (three exposures of a synthetic scene
// written as JPEG with sharp), through the real Mertens fusion, metrics and shipped model.
import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { CAST_LIMIT, evaluateDataset, summarize, summarizeBuckets } from '../../electron/eval/evaluate';
import { EV_BUCKETS, evBucket } from '../../electron/eval/ev';
import { formatEvalTable } from '../../electron/eval/table';
import { listBracketScenes, middleFrame, readSplit } from '../../electron/eval/scenes';
import { downscaleToMaxSide, mertensFuse, psnr, readImage } from '../../electron/engine';
import { repoRoot, tmpDir } from '../helpers/paths';

async function writeBracket(dir: string, evs: number[], w = 96, h = 64, withTimes = false): Promise<void> {
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
    exposures.push({ file, exposure_time_s: withTimes ? 2 ** ev / 100 : null, iso: null, f_number: null });
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
    await writeBracket(join(root, 'brackets', 'a'), [-2, 0, 2], 96, 64, true);
    await writeBracket(join(root, 'brackets', 'b'), [-1, 1]);
    mkdirSync(join(root, 'photos', 'p'), { recursive: true });
    writeFileSync(join(root, 'photos', 'p', 'scene.json'), JSON.stringify({ kind: 'photo_collection', exposures: [{ file: 'x.jpg' }] }));
    mkdirSync(join(root, 'brackets', 'broken'), { recursive: true });
    writeFileSync(join(root, 'brackets', 'broken', 'scene.json'), JSON.stringify({ kind: 'bracket', exposures: [{ file: 'missing.jpg' }] }));
    const splitPath = join(root, 'split.json');
    writeFileSync(splitPath, JSON.stringify({ train: [], dev: [], test: ['brackets/a'], heldout: ['brackets/b'] }));
    const sheetPath = join(root, 'sheet.png');

    const scenes = listBracketScenes(root);
    assert.deepEqual(scenes.map((s) => s.id), ['brackets/a', 'brackets/b', 'brackets/broken']);
    assert.equal(readSplit(splitPath).get('brackets/a'), 'test');
    assert.equal(readSplit(splitPath).get('brackets/b'), 'heldout');

    const r = await evaluateDataset(root, { frames: 'all', splitPath, methods: ['as-shot', 'classic', 'ai'], tiledCheck: true, modelDir: join(repoRoot, 'models'), sheetPath, sheetRows: 2 });
    assert.equal(r.failures.length, 1, JSON.stringify(r.failures));
    assert.match(r.failures[0].error, /missing\.jpg/);
    assert.equal(r.rows.length, (3 + 2) * 3);
    assert.ok(r.rows.every((x) => Number.isFinite(x.psnr) && x.ssim > -1 && x.ssim <= 1));
    assert.deepEqual([...new Set(r.rows.filter((x) => x.scene === 'brackets/b').map((x) => x.split))], ['heldout']);
    // the middle (0 EV) frame is closer to the fusion than the -2 EV frame
    const asShot = r.rows.filter((x) => x.scene === 'brackets/a' && x.method === 'as-shot');
    assert.ok(asShot[1].psnr > asShot[0].psnr);
    assert.equal(r.tiledVsWhole.length, 5);
    assert.ok(r.tiledVsWhole.every((t) => t.psnr >= 40), 'tiled and whole-frame passes agree');
    const test = r.summary.find((s) => s.method === 'ai' && s.split === 'test');
    assert.equal(test?.n, 3);
    assert.deepEqual(summarize(r.rows), r.summary);
    assert.equal(r.summary.find((s) => s.method === 'ai' && s.split === 'heldout')?.n, 2);

    // EVs: scene a from its exposure times, relative to its best-exposed frame; b from its pixels
    const a = r.rows.filter((x) => x.scene === 'brackets/a' && x.method === 'ai');
    assert.ok(a.every((x) => x.evSource === 'metadata'));
    const best = a[0].bestFrame;
    assert.deepEqual(a.map((x) => Math.round(x.ev * 1e6) / 1e6), [-2, 0, 2].map((ev) => ev - [-2, 0, 2][best]));
    assert.ok(r.rows.every((x) => x.bucket === evBucket(x.ev)));
    const b = r.rows.filter((x) => x.scene === 'brackets/b' && x.method === 'ai');
    assert.ok(b.every((x) => x.evSource === 'image') && b[1].ev > b[0].ev);
    assert.ok(Math.abs(b[1].ev - b[0].ev - 2) < 0.8, `image estimate of a 2 EV step: ${b[1].ev - b[0].ev}`);
    assert.deepEqual(r.rows.filter((x) => x.middle).map((x) => x.frame), ['f1.jpg', 'f1.jpg', 'f1.jpg', 'f0.jpg', 'f0.jpg', 'f0.jpg']);

    // colour cast: as-shot's is its input's; summaries count added casts from the rows
    assert.ok(r.rows.every((x) => x.cast === null || (Number.isFinite(x.cast) && x.cast >= 0)));
    assert.ok(r.rows.filter((x) => x.method === 'as-shot').every((x) => x.cast === x.inputCast));
    for (const s of r.summary.filter((x) => x.split === 'all')) {
      const rows = r.rows.filter((x) => x.method === s.method && x.cast !== null && x.inputCast !== null);
      const added = rows.filter((x) => (x.cast as number) > CAST_LIMIT && (x.inputCast as number) <= CAST_LIMIT);
      assert.equal(s.castAddedFrames, added.length);
      assert.equal(s.castAddedScenes, new Set(added.map((x) => x.scene)).size);
      assert.equal(s.scenes, 2);
    }

    // middle-frame and per-bucket summaries partition the same rows
    assert.deepEqual(r.middle, summarize(r.rows.filter((x) => x.middle)));
    assert.deepEqual(r.buckets, summarizeBuckets(r.rows));
    for (const m of r.methods) {
      const inBuckets = r.buckets.filter((x) => x.method === m && x.split === 'all');
      assert.ok(inBuckets.every((x) => (EV_BUCKETS as readonly string[]).includes(x.bucket)));
      assert.equal(inBuckets.reduce((n, x) => n + x.n, 0), 5);
    }

    // the contact sheet: 2 worst + 2 best rows of 4 panels 256 px high (96x64 frames -> 384 px wide)
    assert.ok(r.sheet);
    assert.deepEqual(r.sheet.rows.map((x) => x.kind), ['worst', 'worst', 'best', 'best']);
    const ai = r.rows.filter((x) => x.method === 'ai').map((x) => x.psnr).sort((p, q) => p - q);
    assert.deepEqual(r.sheet.rows.map((x) => x.psnr), [ai[0], ai[1], ai[4], ai[3]]);
    const png = readFileSync(sheetPath);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 4 * 384 + 5 * 4);
    assert.equal(meta.height, 20 + 4 * (20 + 256 + 4));
    assert.deepEqual([meta.width, meta.height], [r.sheet.width, r.sheet.height]);
    assert.deepEqual(readdirSync(root).filter((f) => f.includes('sheet')), ['sheet.png'], 'no temp file left');

    const table = formatEvalTable(r);
    for (const want of ['split heldout (2 frames, 1 scenes)', 'middle frame (2 frames)', 'EV from the best-exposed frame', 'weights 1,1,1', 'contact sheet']) {
      assert.ok(table.includes(want), `table lacks "${want}":\n${table}`);
    }

    const mid = await evaluateDataset(root, { frames: 'middle', splitPath, methods: ['as-shot'], splits: ['test'] });
    assert.deepEqual(mid.rows.map((x) => x.frame), ['f1.jpg']);

    // the split is an argument: without one every scene is unsplit, whatever the model folder holds
    const unsplit = await evaluateDataset(root, { frames: 'middle', methods: ['as-shot'], modelDir: join(repoRoot, 'models') });
    assert.deepEqual([...new Set(unsplit.rows.map((x) => x.split))], ['unsplit']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--shadow-colour scores ai at that shadow colour, in the tiled run and the whole-frame check alike', async () => {
  const root = tmpDir('evenlight-eval-shadow-');
  try {
    await writeBracket(join(root, 'brackets', 'dark'), [-5, -2, 0], 96, 64, true);
    const run = (shadowColour?: number) => evaluateDataset(root, { frames: 'all', methods: ['ai'], tiledCheck: true, modelDir: join(repoRoot, 'models'), shadowColour });
    const [plain, coloured] = [await run(), await run(1)];
    assert.deepEqual([plain.shadowColour, coloured.shadowColour], [0, 1]);
    // the -5 EV frame's darkest values are where the shadow colour acts; tiled and whole agree to about 90 dB (SIMD kernel against the JavaScript rows)
    assert.notEqual(coloured.rows[0].psnr, plain.rows[0].psnr);
    assert.ok(coloured.tiledVsWhole.every((t) => t.psnr >= 80), `tiled vs whole: ${coloured.tiledVsWhole.map((t) => t.psnr).join(', ')}`);
    assert.match(formatEvalTable(coloured), /ai shadow colour 1/);
    await assert.rejects(run(2), /shadow colour must be within 0\.\.1/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a bracket with a frame of another size: that frame named, the other scenes still scored', async () => {
  const root = tmpDir('evenlight-eval-size-');
  try {
    await writeBracket(join(root, 'brackets', 'good'), [-1, 1]);
    await writeBracket(join(root, 'brackets', 'mixed'), [-1, 0, 1]);
    const odd = join(root, 'brackets', 'mixed', 'f1.jpg');
    const smaller = await sharp(odd).resize(80, 48).jpeg().toBuffer();
    writeFileSync(odd, smaller);
    const r = await evaluateDataset(root, { frames: 'all', methods: ['as-shot'] });
    assert.equal(r.failures.length, 1, JSON.stringify(r.failures));
    assert.equal(r.failures[0].file, odd);
    assert.match(r.failures[0].error, /f1\.jpg: size 80x48 differs from .*f0\.jpg \(96x64\)$/);
    assert.deepEqual([...new Set(r.rows.map((x) => x.scene))], ['brackets/good']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--pairs scores each bracket as its darkest and brightest frames, against their own fusion', async () => {
  const root = tmpDir('evenlight-eval-pairs-');
  try {
    await writeBracket(join(root, 'brackets', 'long'), [-3, -1, 1, 3], 96, 64, true);
    await writeBracket(join(root, 'brackets', 'two'), [-2, 2]);
    await writeBracket(join(root, 'brackets', 'one'), [0]);
    const r = await evaluateDataset(root, { frames: 'all', methods: ['as-shot'], pairs: true });
    assert.equal(r.pairs, true);
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.rows.map((x) => `${x.scene}/${x.frame}`), ['brackets/long/f0.jpg', 'brackets/long/f3.jpg', 'brackets/two/f0.jpg', 'brackets/two/f1.jpg'], 'ends only; a single exposure has no pair');
    assert.ok(r.rows.every((x) => x.frameCount === 2));
    // EVs from the ends' own exposure times: 6 stops apart
    const long = r.rows.filter((x) => x.scene === 'brackets/long');
    assert.ok(long.every((x) => x.evSource === 'metadata'));
    assert.ok(Math.abs(long[1].ev - long[0].ev - 6) < 1e-9);
    // the reference is the pair's fusion, not the whole bracket's
    const load = async (f: string) => downscaleToMaxSide((await readImage(join(root, 'brackets', 'long', f))).image, 1024);
    const [a, b, c, d] = await Promise.all(['f0.jpg', 'f1.jpg', 'f2.jpg', 'f3.jpg'].map(load));
    const clamp = (img: ReturnType<typeof mertensFuse>) => ({ ...img, data: img.data.map((v) => Math.min(1, Math.max(0, v))) });
    const pair = clamp(mertensFuse([a, d]));
    const whole = clamp(mertensFuse([a, b, c, d]));
    assert.ok(Math.abs(long[0].psnr - psnr(a, pair)) < 1e-9, `${long[0].psnr} vs ${psnr(a, pair)}`);
    assert.ok(Math.abs(long[0].psnr - psnr(a, whole)) > 0.1, 'and the whole bracket\'s fusion would score otherwise');
    const full = await evaluateDataset(root, { frames: 'all', methods: ['as-shot'], only: ['long'] });
    assert.equal(full.pairs, false);
    assert.equal(full.rows.length, 4);
    assert.ok(Math.abs(full.rows[0].psnr - psnr(a, whole)) < 1e-9);
    assert.match(formatEvalTable(r), /darkest and brightest frames \(pairs\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('split files: "heldout" is a fourth list; files without it still read', () => {
  const root = tmpDir('evenlight-split-');
  try {
    const v2 = join(root, 'v2.json');
    writeFileSync(v2, JSON.stringify({ seed: 1, train: ['t'], dev: ['d'], test: ['x'], heldout: ['h1', 'h2'] }));
    const m = readSplit(v2);
    assert.deepEqual([...m.entries()].sort(), [['d', 'dev'], ['h1', 'heldout'], ['h2', 'heldout'], ['t', 'train'], ['x', 'test']]);
    const v1 = join(root, 'v1.json');
    writeFileSync(v1, JSON.stringify({ train: ['t'], dev: [], test: ['x'] }));
    assert.deepEqual([...readSplit(v1).values()].sort(), ['test', 'train']);
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ train: [], dev: [], test: [], heldout: 'h' }));
    assert.throws(() => readSplit(bad), /no "heldout" list/);
    writeFileSync(bad, JSON.stringify({ train: [], test: [] }));
    assert.throws(() => readSplit(bad), /no "dev" list/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the shipped split file has a heldout list of bracket scenes', () => {
  const m = readSplit(join(repoRoot, 'models', 'training', 'split.json'));
  const held = [...m.entries()].filter(([, v]) => v === 'heldout');
  assert.ok(held.length > 0 && held.every(([id]) => id.startsWith('brackets/')));
});
