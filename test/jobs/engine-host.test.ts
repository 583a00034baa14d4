import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdirSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { decodeTileFrame } from '../../electron/common/tile-frame';
import { writeSmallBracket } from '../helpers/bracket-files';
import { engineHostStats, runEngineJob, stopEngineHost } from '../../electron/jobs/engine-host';
import { tmpDir } from '../helpers/paths';

after(() => stopEngineHost());

const dir = tmpDir('evenlight-jobs-');

async function photo(name: string, w = 300, h = 200): Promise<string> {
  const f = join(dir, name);
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7) % 97;
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg().toFile(f);
  return f;
}

test('one worker serves job after job; a failing job leaves it serving', async () => {
  const f = await photo('one.jpg');
  const before = engineHostStats().workersStarted;
  const frames: number[] = [];
  const a = await runEngineJob({ kind: 'preview', jobId: 'p1', path: f, maxSide: 256 }, { onTile: (fr) => frames.push(fr.length) });
  assert.deepEqual([a.width, a.height], [256, 171]);
  assert.ok(frames.length > 0, 'strips streamed');
  const b = await runEngineJob({ kind: 'normalize', jobId: 'n1', path: f, maxSide: 256, mode: 'classic', strength: 1, shadowColour: 0, rois: [] });
  assert.ok(b.tiles > 0);
  const missing = join(dir, 'no-such.jpg');
  writeFileSync(join(dir, 'text.jpg'), 'not a photo');
  await assert.rejects(runEngineJob({ kind: 'preview', jobId: 'p2', path: join(dir, 'text.jpg'), maxSide: 256 }), /text\.jpg/);
  await assert.rejects(runEngineJob({ kind: 'preview', jobId: 'p3', path: missing, maxSide: 256 }), /no-such\.jpg/);
  await runEngineJob({ kind: 'normalize', jobId: 'n2', path: f, maxSide: 256, mode: 'classic', strength: 0.5, shadowColour: 0, rois: [] });
  assert.equal(engineHostStats().workersStarted - before, 1, 'every job ran in the same worker');
  assert.equal(engineHostStats().running, 0);
});

test('cancelling one job leaves a concurrent one running', async () => {
  const f = await photo('two.jpg');
  const g = await photo('three.jpg');
  const ctl = new AbortController();
  const cancelled = runEngineJob({ kind: 'normalize', jobId: 'c1', path: f, maxSide: 0, mode: 'classic', strength: 1, shadowColour: 0, rois: [] }, { signal: ctl.signal });
  const kept = runEngineJob({ kind: 'normalize', jobId: 'c2', path: g, maxSide: 0, mode: 'classic', strength: 1, shadowColour: 0, rois: [] });
  ctl.abort();
  await assert.rejects(cancelled, /cancelled/);
  assert.equal((await kept).width, 300);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(runEngineJob({ kind: 'preview', jobId: 'c3', path: f, maxSide: 64 }, { signal: pre.signal }), /cancelled/);
});

test('after a cancel no further tile is relayed, and the job cut short settles as cancelled', async () => {
  const f = await photo('four.jpg', 1200, 800);
  const ctl = new AbortController();
  let tiles = 0;
  const run = runEngineJob(
    { kind: 'normalize', jobId: 'c4', path: f, maxSide: 0, mode: 'ai', strength: 1, shadowColour: 0, rois: [] },
    { signal: ctl.signal, onTile: () => (tiles++, ctl.abort()) },
  );
  await assert.rejects(run, /cancelled/);
  assert.equal(tiles, 1, 'the tile the cancel came from, and none after it');
  // the same photo uncancelled streams many tiles: the one above was cut short
  const whole = await runEngineJob({ kind: 'normalize', jobId: 'c5', path: f, maxSide: 0, mode: 'ai', strength: 1, shadowColour: 0, rois: [] });
  assert.ok(whole.tiles > 4, `${whole.tiles} tiles`);
});

test('compare streams its three images as frames at the working size, writing no file', async () => {
  const { files } = await writeSmallBracket(tmpDir('evenlight-cmp-'));
  const temps = () => readdirSync(tmpdir()).filter((n) => n.startsWith('evenlight-compare-')).length;
  const before = temps();
  const frames: Uint8Array[] = [];
  const r = await runEngineJob({ kind: 'compare', jobId: 'cmp1', frames: files, aiFrame: files[1], maxSide: 120 }, { onTile: (f) => frames.push(f) });
  assert.equal(Math.max(r.width, r.height), 120, 'fused and corrected at the working size');
  assert.equal(r.frame, files[1]);
  assert.ok(r.ssim > 0 && r.ssim <= 1);
  const tiles = frames.map(decodeTileFrame);
  for (const layer of [0, 1, 2]) {
    const mine = tiles.filter((t) => t.layer === layer);
    assert.ok(mine.every((t) => t.jobId === 'cmp1' && t.imageWidth === r.width && t.imageHeight === r.height));
    assert.equal(mine.reduce((n, t) => n + t.w * t.h, 0), r.width * r.height, `layer ${layer} covered once`);
  }
  assert.equal(temps(), before, 'no temp folder of PNGs');
});

test('Normalises of one photo, one after another and at once, stream the tiles each would alone (the reused result buffer leaks nothing)', async () => {
  // two bands of rows (224 each), so that jobs at once interleave between them
  const f = await photo('spare.jpg', 600, 400);
  const tilesOf = async (jobs: Array<{ jobId: string; strength: number }>): Promise<Map<string, string[]>> => {
    const got = new Map<string, string[]>(jobs.map((j) => [j.jobId, []]));
    await Promise.all(
      jobs.map((j) =>
        runEngineJob({ kind: 'normalize', jobId: j.jobId, path: f, maxSide: 600, mode: 'ai', strength: j.strength, shadowColour: 0, rois: [] }, {
          onTile: (fr) => {
            const t = decodeTileFrame(fr);
            got.get(t.jobId)![t.index] = Buffer.from(t.rgba).toString('base64');
          },
        }),
      ),
    );
    return got;
  };
  const full = (await tilesOf([{ jobId: 'a1', strength: 1 }])).get('a1')!;
  const half = (await tilesOf([{ jobId: 'a2', strength: 0.5 }])).get('a2')!;
  assert.notDeepEqual(half, full, 'the strength shows');
  assert.deepEqual((await tilesOf([{ jobId: 'a3', strength: 1 }])).get('a3'), full, 'after another strength');
  const both = await tilesOf([{ jobId: 'b1', strength: 1 }, { jobId: 'b2', strength: 0.5 }]);
  assert.deepEqual(both.get('b1'), full, 'at once, full strength');
  assert.deepEqual(both.get('b2'), half, 'at once, half strength');
});
