/**
 * Bad input end to end through the product path (readImage / writeImage / makeThumbnail /
 * readExif / decodeRaw): each failure must be an EvenlightError whose message is one line
 * naming the file and the cause, and originals must never change.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pngChunk } from '../../electron/engine/image/embed-metadata';
import sharp from 'sharp';
import { makeThumbnail, readImage, writeImage } from '../../electron/engine/image/io';
import { readExif } from '../../electron/engine/image/exif';
import { decodeRaw } from '../../electron/engine/raw/dcraw';
import { EvenlightError, errorMessage, type ErrorCode } from '../../electron/engine/errors';
import { repoRoot, tmpDir } from '../helpers/paths';
import { buildSyntheticDng, writeSyntheticDng } from '../fixtures/dng';

const dir = tmpDir('evenlight-bad-');
after(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

async function jpeg(w = 320, h = 240): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: '#7a6050' } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Asserts a rejection with `code`, a one-line message starting with the path, matching `cause`. */
async function rejectsWith(p: Promise<unknown>, code: ErrorCode, file: string, cause: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EvenlightError, `expected EvenlightError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.file, file);
    assert.ok(e.message.startsWith(`${file}: `), e.message);
    assert.ok(!/[\r\n]/.test(e.message), `multi-line message: ${JSON.stringify(e.message)}`);
    assert.match(e.message, cause);
    assert.equal(errorMessage(e), e.message);
    return true;
  });
}


test('zero-byte file', async () => {
  const f = join(dir, 'empty.jpg');
  writeFileSync(f, Buffer.alloc(0));
  await rejectsWith(readImage(f), 'EMPTY', f, /empty \(0 bytes\)/);
  await rejectsWith(makeThumbnail(f, 64), 'EMPTY', f, /empty/);
});

test('missing file and a folder given as a file', async () => {
  const f = join(dir, 'does-not-exist.jpg');
  await rejectsWith(readImage(f), 'NOT_FOUND', f, /not found/);
  await rejectsWith(readImage(dir), 'NOT_IMAGE', dir, /is a folder/);
});

test('truncated JPEG', async () => {
  const full = await jpeg();
  const f = join(dir, 'truncated.jpg');
  writeFileSync(f, full.subarray(0, Math.floor(full.length / 2)));
  await rejectsWith(readImage(f), 'TRUNCATED', f, /truncated/);
  await rejectsWith(makeThumbnail(f, 64), 'TRUNCATED', f, /truncated/);
});

test('truncated TIFF (cut in the middle and cut inside the header)', async () => {
  const full = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#333' } }).tiff({ compression: 'none' }).toBuffer();
  const f = join(dir, 'truncated.tif');
  writeFileSync(f, full.subarray(0, Math.floor(full.length / 2)));
  await rejectsWith(readImage(f), 'TRUNCATED', f, /truncated/);
  const g = join(dir, 'truncated-head.tif');
  writeFileSync(g, full.subarray(0, 12));
  await rejectsWith(readImage(g), 'TRUNCATED', g, /truncated/);
});

test('truncated PNG and WebP', async () => {
  const png = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#335' } }).png().toBuffer();
  const f = join(dir, 'truncated.png');
  writeFileSync(f, png.subarray(0, Math.floor(png.length * 0.6)));
  await rejectsWith(readImage(f), 'TRUNCATED', f, /truncated/);
  const webp = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#335' } }).webp().toBuffer();
  const w = join(dir, 'truncated.webp');
  writeFileSync(w, webp.subarray(0, Math.floor(webp.length * 0.6)));
  await rejectsWith(readImage(w), 'TRUNCATED', w, /truncated \(WebP data should be \d+ bytes/);
});

test('truncated DNG: data cut, directory cut', async () => {
  const dng = buildSyntheticDng({ width: 128, height: 96 });
  const f = join(dir, 'truncated.dng');
  writeFileSync(f, dng.subarray(0, Math.floor(dng.length / 2)));
  await rejectsWith(readImage(f), 'TRUNCATED', f, /truncated \(image data should end at byte \d+, the file has \d+ bytes\)/);
  await rejectsWith(decodeRaw(f), 'TRUNCATED', f, /truncated/);
  const g = join(dir, 'truncated-ifd.dng');
  writeFileSync(g, dng.subarray(0, 100));
  await rejectsWith(readImage(g), 'TRUNCATED', g, /directory lies past the end/);
});

test('a text file named .jpg (and other non-images) is NOT_IMAGE; GIF is UNSUPPORTED', async () => {
  const f = join(dir, 'notes.jpg');
  writeFileSync(f, 'Shopping list: milk, eggs, film.\n');
  await rejectsWith(readImage(f), 'NOT_IMAGE', f, /not an image file/);
  await rejectsWith(makeThumbnail(f, 64), 'NOT_IMAGE', f, /not an image/);
  const n = join(dir, 'fake.NEF');
  writeFileSync(n, 'hello');
  await rejectsWith(readImage(n), 'NOT_IMAGE', n, /not an image file/);
  const gif = join(dir, 'anim.jpg');
  writeFileSync(gif, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif().toBuffer());
  await rejectsWith(readImage(gif), 'UNSUPPORTED', gif, /GIF files are not supported/);
});

test('a 32-bit floating-point TIFF is refused as UNSUPPORTED, not decoded into wrong colours', async () => {
  // Minimal little-endian RGB float TIFF, 2×1 pixels, one strip (SampleFormat 3 = IEEE float).
  const entries: Array<[number, number, number, number]> = [
    [256, 4, 1, 2],
    [257, 4, 1, 1],
    [258, 3, 3, 0], // patched: offset of [32, 32, 32]
    [259, 3, 1, 1],
    [262, 3, 1, 2],
    [273, 4, 1, 0], // patched: strip offset
    [277, 3, 1, 3],
    [278, 4, 1, 1],
    [279, 4, 1, 24],
    [339, 3, 3, 0], // patched: offset of [3, 3, 3]
  ];
  const ifdLen = 2 + entries.length * 12 + 4;
  const bpsAt = 8 + ifdLen;
  const fmtAt = bpsAt + 6;
  const stripAt = fmtAt + 6;
  const buf = Buffer.alloc(stripAt + 24);
  buf.write('II*\0', 0, 'latin1');
  buf.writeUInt32LE(8, 4);
  buf.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const e = 10 + i * 12;
    const v = tag === 258 ? bpsAt : tag === 339 ? fmtAt : tag === 273 ? stripAt : value;
    buf.writeUInt16LE(tag, e);
    buf.writeUInt16LE(type, e + 2);
    buf.writeUInt32LE(count, e + 4);
    if (type === 3 && count === 1) buf.writeUInt16LE(v, e + 8);
    else buf.writeUInt32LE(v, e + 8);
  });
  for (let k = 0; k < 3; k++) {
    buf.writeUInt16LE(32, bpsAt + 2 * k);
    buf.writeUInt16LE(3, fmtAt + 2 * k);
  }
  [0.25, 0.5, 1, 2, 0.1, 0].forEach((v, k) => buf.writeFloatLE(v, stripAt + 4 * k));
  const f = join(dir, 'float.tif');
  writeFileSync(f, buf);
  await rejectsWith(readImage(f), 'UNSUPPORTED', f, /floating-point TIFF is not supported/);
});

test('dimensions past the pixel limit are refused from the header, before decoding', async () => {
  // A PNG whose IHDR claims 100000×100000 (10 gigapixels) and has no pixel data at all.
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100000, 0);
  ihdr.writeUInt32BE(100000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const f = join(dir, 'huge.png');
  writeFileSync(f, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]));
  // the file has no IDAT at all: an attempt to decode it would fail with another error, so
  // TOO_LARGE shows the header alone decided (no clock needed)
  await rejectsWith(readImage(f), 'TOO_LARGE', f, /100000×100000 \(10000\.0 MP\), above the limit of 200\.0 MP/);
  await rejectsWith(makeThumbnail(f, 64), 'TOO_LARGE', f, /above the limit/);
  // The limit is configurable, and applies to JPEG and RAW headers as well.
  const j = join(dir, 'medium.jpg');
  writeFileSync(j, await jpeg(400, 300));
  await rejectsWith(readImage(j, { maxPixels: 100_000 }), 'TOO_LARGE', j, /400×300 \(120000 pixels\), above the limit of 100000 pixels/);
  assert.equal((await readImage(j, { maxPixels: 120_000 })).image.width, 400);
  const d = join(dir, 'limit.dng');
  writeSyntheticDng(d, { width: 400, height: 300 });
  await rejectsWith(readImage(d, { maxPixels: 100_000 }), 'TOO_LARGE', d, /400×300/);
});

test('unreadable permissions (chmod 000)', async () => {
  const sub = join(dir, 'locked');
  mkdirSync(sub);
  const f = join(sub, 'locked.jpg');
  writeFileSync(f, await jpeg());
  chmodSync(f, 0o000);
  if (!isRoot) {
    await rejectsWith(readImage(f), 'PERMISSION', f, /permission denied/);
    return;
  }
  // root bypasses file modes (CAP_DAC_OVERRIDE), so chmod 000 alone proves nothing here:
  // the same readImage call runs in a child process dropped to the unprivileged "nobody".
  chmodSync(dir, 0o755);
  chmodSync(sub, 0o755);
  const script = `require(${JSON.stringify(join(repoRoot, 'electron/engine/image/io.ts'))}).readImage(${JSON.stringify(f)})` +
    `.then(() => console.log('READ'), (e) => console.log(JSON.stringify({ code: e.code, file: e.file, message: e.message })))`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { uid: 65534, gid: 65534, cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout.trim().split('\n').pop()!) as { code: string; file: string; message: string };
  assert.equal(e.code, 'PERMISSION');
  assert.equal(e.file, f);
  assert.equal(e.message, `${f}: permission denied`);
});

test('spaces and non-ASCII in paths work for read, write, thumbnail, EXIF and RAW', async () => {
  const sub = join(dir, 'Fotos Ü');
  mkdirSync(sub);
  const f = join(sub, 'été 01.jpg');
  writeFileSync(f, await jpeg(64, 48));
  const { image, meta } = await readImage(f);
  assert.equal(image.width, 64);
  const out = join(sub, 'été 01 – normalisé.jpg');
  await writeImage(out, image, { format: 'jpeg', meta });
  assert.equal((await readImage(out)).image.height, 48);
  assert.ok((await makeThumbnail(f, 32)).length > 100);
  assert.deepEqual(await readExif(f), {});
  const d = join(sub, 'Ünïcødé raw 01.dng');
  writeSyntheticDng(d, { width: 64, height: 48 });
  assert.equal((await readImage(d)).image.width, 64);
  // A missing file in such a folder is named exactly in the message.
  const missing = join(sub, 'fehlt ß.jpg');
  await rejectsWith(readImage(missing), 'NOT_FOUND', missing, /not found/);
});

test('an output folder that cannot be written (parent is a file)', async () => {
  const blocker = join(dir, 'i-am-a-file');
  writeFileSync(blocker, 'x');
  const out = join(blocker, 'out.jpg');
  const img = { width: 2, height: 2, data: new Float32Array(12).fill(0.5) };
  await rejectsWith(writeImage(out, img, { format: 'jpeg' }), 'OUTPUT_UNWRITABLE', out, /cannot write: a parent of this path is a file/);
  const nowhere = join(dir, 'no', 'such', 'folder', 'out.png');
  await rejectsWith(writeImage(nowhere, img, { format: 'png' }), 'OUTPUT_UNWRITABLE', nowhere, /folder does not exist/);
});

test('originals are never modified (hash before/after every operation)', async () => {
  const sub = join(dir, 'originals');
  mkdirSync(sub);
  const j = join(sub, 'photo.jpg');
  writeFileSync(j, await sharp(await jpeg(96, 64)).withMetadata({ orientation: 6 }).toBuffer());
  const d = join(sub, 'photo.dng');
  writeSyntheticDng(d, { width: 96, height: 64 });
  const hash = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
  const before = [hash(j), hash(d)];
  for (const f of [j, d]) {
    const { image, meta } = await readImage(f);
    await readImage(f, { rawHalfSize: true });
    await readExif(f);
    await makeThumbnail(f, 32);
    for (const format of ['jpeg', 'png', 'tiff16'] as const) await writeImage(join(sub, `out-${format}-${meta.format}`), image, { format, meta });
    await assert.rejects(writeImage(f, image, { format: 'jpeg', meta }), /refusing to overwrite/);
  }
  assert.deepEqual([hash(j), hash(d)], before);
  assert.ok(!readdirSync(sub).some((n) => n.endsWith('.tmp')), 'no temp files left behind');
});

test('errorMessage turns anything thrown into one line naming the file', () => {
  assert.equal(errorMessage(new Error('boom\nsecond line'), '/p/a.jpg'), '/p/a.jpg: boom second line');
  assert.equal(errorMessage('plain string', '/p/b.jpg'), '/p/b.jpg: plain string');
  assert.equal(errorMessage(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }), '/p/c.jpg'), '/p/c.jpg: file not found');
  assert.equal(errorMessage(new EvenlightError('CANCELLED', '', 'cancelled'), '/p/d.jpg'), '/p/d.jpg: cancelled');
  assert.equal(errorMessage(undefined), 'undefined');
});
