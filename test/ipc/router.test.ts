// The router with the real command handlers, real engine (in worker threads) and real
// files: synthetic photos written by the engine's own writer into a temp folder. The host
// records what would go to the UI (events, binary tile frames).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRouter } from '../../electron/ipc/router';
import type { Host } from '../../electron/ipc/context';
import { createDropRegistry } from '../../electron/ipc/dropped';
import { decodeTileFrame } from '../../electron/common/tile-frame';
import { engineHostStats } from '../../electron/jobs/engine-host';
import type { EventName } from '../../electron/common/contract';
import { writeImage } from '../../electron/engine/image/io';
import { tmpDir } from '../helpers/paths';
import { gradient } from '../helpers/photos';
import { waitFor } from '../helpers/wait';
import { hasOptimisedTables } from '../helpers/jpeg-tables';

let root = '';
let photos = '';
let outside = '';

before(async () => {
  root = tmpDir('evenlight-router-');
  photos = join(root, 'photos');
  outside = join(root, 'outside');
  mkdirSync(photos);
  mkdirSync(outside);
  await writeImage(join(photos, 'dark.png'), gradient(600, 400, 0.15), { format: 'png' });
  await writeImage(join(photos, 'mid.jpg'), gradient(320, 240, 0.5), { format: 'jpeg' });
  writeFileSync(join(photos, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a]));
  writeFileSync(join(photos, 'notes.txt'), 'not a photo');
  await writeImage(join(outside, 'secret.png'), gradient(64, 64, 1), { format: 'png' });
});
after(() => rmSync(root, { recursive: true, force: true }));

function recordingHost(extra: Partial<Host> = {}) {
  const events: { event: EventName; payload: unknown }[] = [];
  const tiles: Uint8Array[] = [];
  const host: Host = {
    kind: 'bridge',
    version: '9.9.9',
    emit: (event, payload) => events.push({ event, payload }),
    sendTile: (f) => tiles.push(f),
    ...extra,
  };
  return { host, events, tiles };
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('unknown commands and invalid requests come back as typed errors', async () => {
  const r = createRouter(recordingHost().host);
  assert.deepEqual(await r.invoke('rm -rf', {}), { ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'unknown command: rm -rf' } });
  const bad = await r.invoke('normalize', { jobId: 'a', path: '/x.jpg', mode: 'magic' });
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.error.code === 'BAD_REQUEST' && /mode/.test(bad.error.message), JSON.stringify(bad));
  const proto = await r.invoke('__proto__', {});
  assert.ok(!proto.ok && proto.error.code === 'UNKNOWN_COMMAND');
});

test('hostInfo and openFolder: the bridge needs a path, Electron uses its dialog', async () => {
  const bridge = createRouter(recordingHost().host);
  assert.deepEqual(await bridge.call('hostInfo', {}), { ok: true, value: { host: 'bridge', nativeDialog: false, version: '9.9.9' } });
  const noPath = await bridge.call('openFolder', {});
  assert.ok(!noPath.ok && noPath.error.code === 'NEEDS_PATH');
  const electron = createRouter(recordingHost({ kind: 'electron', pickFolder: async () => photos }).host);
  const picked = await electron.call('openFolder', {});
  assert.ok(picked.ok && picked.value.folder?.endsWith('photos'));
  const cancelled = createRouter(recordingHost({ pickFolder: async () => null }).host);
  assert.deepEqual(await cancelled.call('openFolder', {}), { ok: true, value: { folder: null } });
});

test('Electron grants a typed path only for a folder the user dropped (announced by the preload), once', async () => {
  const drops = createDropRegistry();
  const electron = createRouter(recordingHost({ kind: 'electron', pickFolder: async () => null, takeDropped: (p) => drops.take(p) }).host);
  const typed = await electron.call('openFolder', { path: photos });
  assert.ok(!typed.ok && typed.error.code === 'ACCESS_DENIED', JSON.stringify(typed));
  assert.deepEqual(electron.context.access.roots(), []);
  const root = await electron.call('openFolder', { path: '/' });
  assert.ok(!root.ok && root.error.code === 'ACCESS_DENIED');
  drops.add(photos);
  const dropped = await electron.call('openFolder', { path: photos });
  assert.ok(dropped.ok && dropped.value.folder?.endsWith('photos'), JSON.stringify(dropped));
  const again = createRouter(recordingHost({ kind: 'electron', takeDropped: (p) => drops.take(p) }).host);
  const replay = await again.call('openFolder', { path: photos });
  assert.ok(!replay.ok && replay.error.code === 'ACCESS_DENIED', 'a drop grants once');
});

test('drop announcements expire', () => {
  let t = 0;
  const drops = createDropRegistry(1000, () => t);
  drops.add('/a');
  t = 1001;
  assert.equal(drops.take('/a'), false);
});

test('revealPath shows only paths inside opened folders, through the host (never a launch)', async () => {
  const revealed: string[] = [];
  const r = createRouter(recordingHost({ kind: 'electron', pickFolder: async () => photos, reveal: async (p) => (revealed.push(p), true) }).host);
  const outsideFile = await r.call('revealPath', { path: join(outside, 'secret.png') });
  assert.ok(!outsideFile.ok && outsideFile.error.code === 'ACCESS_DENIED');
  const missing = await r.call('revealPath', { path: join(outside, 'nope.exe') });
  assert.deepEqual(missing, outsideFile.ok ? null : { ok: false, error: { ...outsideFile.error, message: outsideFile.error.message.replace('secret.png', 'nope.exe') } });
  await r.call('openFolder', {});
  const inside = await r.call('revealPath', { path: join(photos, 'mid.jpg') });
  assert.deepEqual(inside, { ok: true, value: { opened: true } });
  assert.equal(revealed.length, 1);
  assert.match(revealed[0], /photos\/mid\.jpg$/);
});

test('files outside opened folders are refused', async () => {
  const r = createRouter(recordingHost().host);
  const before = await r.call('listPhotos', { folder: photos });
  assert.ok(!before.ok && before.error.code === 'ACCESS_DENIED');
  await r.call('openFolder', { path: photos });
  const sneaky = await r.call('thumbnail', { path: join(photos, '..', 'outside', 'secret.png') });
  assert.ok(!sneaky.ok && sneaky.error.code === 'ACCESS_DENIED', JSON.stringify(sneaky));
  const out = await r.call('exportPhoto', { path: join(photos, 'mid.jpg'), mode: 'classic', outDir: outside });
  assert.ok(!out.ok && out.error.code === 'ACCESS_DENIED');
});

test('listPhotos, thumbnail and photoInfo on real files', async () => {
  const r = createRouter(recordingHost().host);
  await r.call('openFolder', { path: photos });
  const list = await r.call('listPhotos', { folder: photos });
  assert.ok(list.ok);
  assert.deepEqual(list.value.photos.map((p) => [p.name, p.type]), [['broken.jpg', 'jpeg'], ['dark.png', 'png'], ['mid.jpg', 'jpeg']]);
  const thumb = await r.call('thumbnail', { path: join(photos, 'dark.png'), maxSide: 64 });
  assert.ok(thumb.ok && thumb.value.dataUrl.startsWith('data:image/jpeg;base64,/9j/'));
  const broken = await r.call('thumbnail', { path: join(photos, 'broken.jpg') });
  assert.ok(!broken.ok && broken.error.code === 'FAILED' && broken.error.message.includes('broken.jpg'), JSON.stringify(broken));
  const info = await r.call('photoInfo', { path: join(photos, 'mid.jpg') });
  assert.ok(info.ok && info.value.exif.iso === null);
});

test('normalize streams binary tiles that cover the working image, from a worker', async () => {
  const { host, tiles } = recordingHost();
  const r = createRouter(host);
  await r.call('openFolder', { path: photos });
  const res = await r.call('normalize', { jobId: 'n1', path: join(photos, 'dark.png'), mode: 'classic', maxSide: 300 });
  assert.ok(res.ok, JSON.stringify(res));
  assert.deepEqual([res.value.width, res.value.height], [300, 200]);
  assert.equal(tiles.length, res.value.tiles);
  assert.ok(tiles.length >= 1);
  const covered = new Uint8Array(300 * 200);
  let sum = 0;
  for (const f of tiles) {
    const t = decodeTileFrame(f);
    assert.equal(t.jobId, 'n1');
    assert.equal(t.total, tiles.length);
    for (let y = t.y; y < t.y + t.h; y++) covered.fill(1, y * 300 + t.x, y * 300 + t.x + t.w);
    for (let i = 0; i < t.rgba.length; i += 4) sum += t.rgba[i + 2];
  }
  assert.ok(covered.every((v) => v === 1), 'tiles cover every pixel');
  // the dark input (blue 0.15*0.5 = 19/255) was brightened
  assert.ok(sum / (300 * 200) > 25, `mean blue ${sum / (300 * 200)}`);
});

test('preview streams the before image at the same working size', async () => {
  const { host, tiles } = recordingHost();
  const r = createRouter(host);
  await r.call('openFolder', { path: photos });
  const res = await r.call('preview', { jobId: 'p1', path: join(photos, 'dark.png'), maxSide: 300 });
  assert.ok(res.ok && res.value.width === 300 && res.value.height === 200);
  const rows = tiles.map(decodeTileFrame).reduce((n, t) => n + t.h, 0);
  assert.equal(rows, 200);
});

test('cancel aborts a running normalize', async () => {
  const r = createRouter(recordingHost().host);
  await r.call('openFolder', { path: photos });
  const running = r.call('normalize', { jobId: 'n2', path: join(photos, 'dark.png'), mode: 'classic', maxSide: 0 });
  assert.deepEqual(await r.call('cancel', { jobId: 'n2' }), { ok: true, value: { cancelled: true } });
  const res = await running;
  assert.ok(!res.ok && res.error.code === 'CANCELLED', JSON.stringify(res));
  assert.deepEqual(await r.call('cancel', { jobId: 'n2' }), { ok: true, value: { cancelled: false } });
});

test('cancel mid-photo: after the first tile arrives, the rest never come', async () => {
  // 4800×3200 is about 330 AI tiles. The v2 applier can finish them all before the abort
  // reaches the worker, so what makes this hold is the host: from the cancel on it relays
  // no tile, and a job cut short settles as cancelled (test/jobs/engine-host.test.ts).
  const tiles: Uint8Array[] = [];
  const r = createRouter(
    recordingHost({
      sendTile: (f) => {
        tiles.push(f);
        if (tiles.length === 1) void r.call('cancel', { jobId: 'n3' });
      },
    }).host,
  );
  await r.call('openFolder', { path: photos });
  await writeImage(join(photos, 'large.jpg'), gradient(4800, 3200, 0.2), { format: 'jpeg' });
  try {
    const res = await r.call('normalize', { jobId: 'n3', path: join(photos, 'large.jpg'), mode: 'ai', maxSide: 0 });
    assert.ok(!res.ok && res.error.code === 'CANCELLED', JSON.stringify(res));
    const total = decodeTileFrame(tiles[0]).total;
    assert.ok(total > 300, `${total} tiles`);
    assert.ok(tiles.length < total / 2, `${tiles.length} of ${total} tiles before the cancel took effect`);
  } finally {
    rmSync(join(photos, 'large.jpg'));
  }
});

test('exportPhoto writes a full-size output next to the photos; the original is untouched', async () => {
  const r = createRouter(recordingHost().host);
  await r.call('openFolder', { path: photos });
  const src = join(photos, 'dark.png');
  const hash = sha(src);
  const res = await r.call('exportPhoto', { path: src, mode: 'classic', format: 'jpeg', quality: 80 });
  assert.ok(res.ok, JSON.stringify(res));
  assert.equal(res.value.output, join(photos, 'evenlight', 'dark.jpg'));
  assert.deepEqual([...readFileSync(res.value.output).subarray(0, 2)], [0xff, 0xd8]);
  assert.equal(sha(src), hash);
  assert.deepEqual(readdirSync(join(photos, 'evenlight')), ['dark.jpg'], 'no temp files left');
  assert.ok(!hasOptimisedTables(readFileSync(res.value.output)), "libjpeg's standard tables unless asked");
  // the app's "Smaller file": the same pixels with optimised tables (the export takes a suffix, never replacing)
  const small = await r.call('exportPhoto', { path: src, mode: 'classic', format: 'jpeg', quality: 80, optimizeJpeg: true });
  assert.ok(small.ok, JSON.stringify(small));
  assert.ok(hasOptimisedTables(readFileSync(small.value.output)));
  assert.ok(statSync(small.value.output).size < statSync(res.value.output).size, 'a smaller file');
  const pixels = (p: string) => sharp(p).raw().toBuffer();
  assert.ok((await pixels(small.value.output)).equals(await pixels(res.value.output)), 'the same pixels');
  rmSync(join(photos, 'evenlight'), { recursive: true });
});

test('batch: progress events per file, one failure named, done event, outputs written', async () => {
  const { host, events } = recordingHost();
  const r = createRouter(host);
  await r.call('openFolder', { path: photos });
  const outDir = join(photos, 'batch-out');
  const started = await r.call('batchStart', { jobId: 'b1', folder: photos, outDir, mode: 'classic', format: 'png' });
  assert.ok(started.ok && started.value.total === 3, JSON.stringify(started));
  await waitFor(() => events.some((e) => e.event === 'batchDone'), 'batchDone');
  const progress = events.filter((e) => e.event === 'batchProgress').map((e) => e.payload as { done: number; ok: boolean; error: string | null });
  assert.deepEqual(progress.map((p) => p.done), [1, 2, 3]);
  const failed = progress.filter((p) => !p.ok);
  assert.equal(failed.length, 1);
  assert.match(failed[0].error ?? '', /broken\.jpg/);
  const done = events.find((e) => e.event === 'batchDone')?.payload;
  assert.deepEqual(done, { jobId: 'b1', ok: 2, failed: 1, cancelled: false, outDir: join(started.value.outDir) });
  assert.deepEqual(readdirSync(outDir).sort(), ['dark.png', 'mid.png']);
  assert.ok(existsSync(join(photos, 'mid.jpg')));
  rmSync(outDir, { recursive: true });
});

test('a link planted in an opened folder that leads outside it: batch, export, compare and thumbnail all refuse it', async () => {
  const linked = join(root, 'linked');
  mkdirSync(linked);
  await writeImage(join(linked, 'own.png'), gradient(64, 48, 0.3), { format: 'png' });
  await writeImage(join(linked, 'own2.png'), gradient(64, 48, 0.6), { format: 'png' });
  symlinkSync(join(outside, 'secret.png'), join(linked, 'leak.png'));
  symlinkSync(join(linked, 'own.png'), join(linked, 'alias.png')); // a link inside the folder is fine
  const { host, events } = recordingHost();
  const r = createRouter(host);
  await r.call('openFolder', { path: linked });
  const leak = join(linked, 'leak.png');

  const thumb = await r.call('thumbnail', { path: leak });
  assert.ok(!thumb.ok && thumb.error.code === 'ACCESS_DENIED');
  const exp = await r.call('exportPhoto', { path: leak, mode: 'classic' });
  assert.ok(!exp.ok && exp.error.code === 'ACCESS_DENIED');
  const cmp = await r.call('compareFusion', { jobId: 'c-leak', frames: [join(linked, 'own.png'), leak] });
  assert.ok(!cmp.ok && cmp.error.code === 'ACCESS_DENIED');

  const outDir = join(linked, 'out');
  const started = await r.call('batchStart', { jobId: 'b-leak', folder: linked, outDir, mode: 'classic', format: 'png' });
  assert.ok(started.ok, JSON.stringify(started));
  await waitFor(() => events.some((e) => e.event === 'batchDone'), 'batchDone');
  const progress = events.filter((e) => e.event === 'batchProgress').map((e) => e.payload as { file: string; ok: boolean; error: string | null });
  const refused = progress.filter((p) => !p.ok);
  assert.equal(refused.length, 1, JSON.stringify(progress));
  assert.match(refused[0].error ?? '', /leak\.png: a link that leads outside the opened folders/);
  assert.deepEqual(readdirSync(outDir).sort(), ['alias.png', 'own.png', 'own2.png']);
});

test('exportPhoto next to the original never replaces a sibling original: it takes a suffix', async () => {
  const dir = join(root, 'siblings');
  mkdirSync(dir);
  await writeImage(join(dir, 'IMG_1.png'), gradient(120, 80, 0.2), { format: 'png' }); // stands in for IMG_1.CR2
  await writeImage(join(dir, 'IMG_1.jpg'), gradient(120, 80, 0.9), { format: 'jpeg' }); // the camera's own JPEG
  const original = sha(join(dir, 'IMG_1.jpg'));
  const r = createRouter(recordingHost().host);
  await r.call('openFolder', { path: dir });
  const first = await r.call('exportPhoto', { path: join(dir, 'IMG_1.png'), outDir: dir, format: 'jpeg', mode: 'classic' });
  assert.ok(first.ok, JSON.stringify(first));
  assert.equal(first.value.output, join(dir, 'IMG_1-1.jpg'));
  const second = await r.call('exportPhoto', { path: join(dir, 'IMG_1.png'), outDir: dir, format: 'jpeg', mode: 'classic' });
  assert.ok(second.ok && second.value.output === join(dir, 'IMG_1-2.jpg'), JSON.stringify(second));
  assert.equal(sha(join(dir, 'IMG_1.jpg')), original);
});

test('an output folder swapped for a symlink after the check is refused at write time', async () => {
  const dir = join(root, 'swap');
  const elsewhere = join(root, 'swap-elsewhere');
  mkdirSync(join(dir, 'out'), { recursive: true });
  mkdirSync(elsewhere);
  // big enough that the worker is still normalising when the folder is swapped
  await writeImage(join(dir, 'big.png'), gradient(1600, 1000, 0.2), { format: 'png' });
  const r = createRouter(recordingHost().host);
  await r.call('openFolder', { path: dir });
  const pending = r.call('exportPhoto', { path: join(dir, 'big.png'), outDir: join(dir, 'out'), format: 'png', mode: 'classic' });
  const t0 = Date.now();
  while (engineHostStats().running === 0 && Date.now() - t0 < 10_000) await new Promise((ok) => setTimeout(ok, 2));
  renameSync(join(dir, 'out'), join(dir, 'out-moved'));
  symlinkSync(elsewhere, join(dir, 'out'));
  const res = await pending;
  assert.ok(!res.ok && /symbolic link|outside the folders/.test(res.error.message), JSON.stringify(res));
  assert.deepEqual(readdirSync(elsewhere), [], 'nothing written outside the opened folder');
});

test('exportPhoto is a job: cancel by its id, and closing the window (dispose) stops one without an id', async () => {
  const dir = join(root, 'export-cancel');
  mkdirSync(dir);
  await writeImage(join(dir, 'big.png'), gradient(1600, 1000, 0.2), { format: 'png' });
  const r = createRouter(recordingHost().host);
  await r.call('openFolder', { path: dir });
  const pending = r.call('exportPhoto', { jobId: 'exp1', path: join(dir, 'big.png'), mode: 'classic', format: 'png' });
  const t0 = Date.now();
  while (!r.context.jobs.has('exp1') && Date.now() - t0 < 5000) await new Promise((ok) => setTimeout(ok, 2));
  assert.deepEqual(await r.call('cancel', { jobId: 'exp1' }), { ok: true, value: { cancelled: true } });
  const res = await pending;
  assert.ok(!res.ok && res.error.code === 'CANCELLED', JSON.stringify(res));

  const anonymous = r.call('exportPhoto', { path: join(dir, 'big.png'), mode: 'classic', format: 'png' });
  while (engineHostStats().running === 0 && Date.now() - t0 < 10_000) await new Promise((ok) => setTimeout(ok, 2));
  r.dispose();
  const res2 = await anonymous;
  assert.ok(!res2.ok && res2.error.code === 'CANCELLED', JSON.stringify(res2));
  assert.ok(!existsSync(join(dir, 'evenlight', 'big.png')), 'no output from a cancelled export');
});

test('thumbnails are made in the engine worker and can be cancelled', async () => {
  const r = createRouter(recordingHost().host);
  await r.call('openFolder', { path: photos });
  let sawWorker = false;
  const poll = setInterval(() => (sawWorker ||= engineHostStats().running > 0), 1);
  const ok = await r.call('thumbnail', { path: join(photos, 'dark.png'), maxSide: 64 });
  clearInterval(poll);
  assert.ok(ok.ok && ok.value.dataUrl.startsWith('data:image/jpeg;base64,'));
  assert.ok(sawWorker, 'the thumbnail ran as an engine job, not on the calling thread');
  const pending = r.call('thumbnail', { jobId: 't1', path: join(photos, 'dark.png'), maxSide: 64 });
  await r.call('cancel', { jobId: 't1' });
  const res = await pending;
  assert.ok(!res.ok && res.error.code === 'CANCELLED', JSON.stringify(res));
});
