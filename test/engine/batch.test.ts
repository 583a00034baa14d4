import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { runBatch, type BatchEvent } from '../../electron/engine/batch';
import { listPhotoFiles } from '../../electron/engine/photo-files';
import { makeBatchFolder } from '../helpers/batch-fixtures';
import { tmpDir } from '../helpers/paths';

const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const noModel = tmpDir('evenlight-nomodel-');

test('batch: good files done, bad files failed with a reason, originals untouched, subfolders kept, resumable', async () => {
  const fx = await makeBatchFolder({ count: 4 });
  const before = new Map([...fx.good, ...fx.bad].map((f) => [f, hash(f)]));
  const out = join(tmpDir('evenlight-batch-out-'), 'results');
  const events: BatchEvent[] = [];
  const s = await runBatch(fx.dir, out, { recursive: true, concurrency: 2, mode: 'classic', modelDir: noModel, onEvent: (e) => events.push(e) });
  assert.equal(s.total, 6);
  assert.equal(s.done, 4);
  assert.equal(s.failed, 2);
  for (const r of s.results.filter((x) => x.status === 'failed')) {
    assert.ok(fx.bad.some((b) => r.reason!.startsWith(b)), `reason names the file: ${r.reason}`);
    assert.ok(!r.reason!.includes('\n'));
  }
  assert.ok(existsSync(join(out, 'photo0.jpg')));
  assert.ok(existsSync(join(out, 'photo1.png')));
  assert.ok(existsSync(join(out, 'sub', 'photo3.png')));
  const meta = await sharp(join(out, 'photo0.jpg')).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.ok(!readdirSync(out).some((n) => n.startsWith('.')), 'no temp files left');
  for (const [f, h] of before) assert.equal(hash(f), h, `${f} unchanged`);
  // events: start, one per file with an ETA, end
  assert.equal(events[0].type, 'start');
  const fileEvents = events.filter((e) => e.type === 'file');
  assert.equal(fileEvents.length, 6);
  assert.equal(fileEvents[fileEvents.length - 1].type === 'file' && fileEvents[fileEvents.length - 1].finished, 6);
  assert.equal(events[events.length - 1].type, 'end');

  const again = await runBatch(fx.dir, out, { recursive: true, skipExisting: true, mode: 'classic', modelDir: noModel });
  assert.equal(again.skipped, 4);
  assert.equal(again.done, 0);
  assert.equal(again.failed, 2);
});

test('batch: non-recursive ignores subfolders; an output folder inside the input is not walked', async () => {
  const fx = await makeBatchFolder({ count: 2 });
  const inner = join(fx.dir, 'out');
  const s = await runBatch(fx.dir, inner, { recursive: true, mode: 'classic', modelDir: noModel });
  assert.equal(s.done, 2);
  const files = await listPhotoFiles(fx.dir, { recursive: false });
  assert.deepEqual(files.map((f) => f.name), ['notes.jpg', 'photo0.jpg', 'truncated.jpg']);
  const s2 = await runBatch(fx.dir, inner, { recursive: true, mode: 'classic', modelDir: noModel, skipExisting: true });
  assert.equal(s2.total, 4, 'outputs in ./out were not picked up as inputs');
});

test('batch: name collisions and writing over originals are refused per file', async () => {
  const fx = await makeBatchFolder({ count: 2 });
  // photo0.jpg and photo1.png both map to photo?.jpg only with a shared base name: make one
  const { copyFileSync } = await import('node:fs');
  copyFileSync(fx.good[1], join(fx.dir, 'photo0.png'));
  const s = await runBatch(fx.dir, tmpDir(), { format: 'jpeg', mode: 'classic', modelDir: noModel });
  const collided = s.results.find((r) => r.input.endsWith('photo0.png'))!;
  assert.equal(collided.status, 'failed');
  assert.match(collided.reason!, /already comes from .*photo0\.jpg/);
  const same = await runBatch(fx.dir, fx.dir, { mode: 'classic', modelDir: noModel });
  assert.equal(same.done, 0);
  assert.ok(same.results.filter((r) => r.status === 'failed' && /overwrite the original/.test(r.reason!)).length >= 2);
});

test('batch: cancelling stops new files and reports it', async () => {
  const fx = await makeBatchFolder({ count: 5 });
  const ctl = new AbortController();
  const s = await runBatch(fx.dir, tmpDir(), {
    recursive: true,
    mode: 'classic',
    modelDir: noModel,
    signal: ctl.signal,
    onEvent: (e) => {
      if (e.type === 'file') ctl.abort();
    },
  });
  assert.equal(s.cancelled, true);
  assert.ok(s.notStarted >= 4, `not started: ${s.notStarted}`);
  await assert.rejects(runBatch(join(fx.dir, 'nope'), tmpDir()), /nope: input folder not found/);
});

test('batch: an output that would land on another original (IMG_1.png -> IMG_1.jpg next to IMG_1.jpg) takes a suffix', async () => {
  const fx = await makeBatchFolder({ count: 2, bad: false });
  const { copyFileSync } = await import('node:fs');
  copyFileSync(fx.good[1], join(fx.dir, 'photo0.png')); // photo0.png sits next to the original photo0.jpg
  const original = hash(join(fx.dir, 'photo0.jpg'));
  const s = await runBatch(fx.dir, fx.dir, { format: 'jpeg', mode: 'classic', modelDir: noModel });
  const fromPng = s.results.find((r) => r.input.endsWith('photo0.png'))!;
  assert.equal(fromPng.status, 'done', fromPng.reason);
  assert.equal(fromPng.output, join(fx.dir, 'photo0-1.jpg'));
  assert.equal(hash(join(fx.dir, 'photo0.jpg')), original, 'the sibling original is untouched');
});
