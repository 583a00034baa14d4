import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readSync, closeSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { detectRawMagic, tiffLayout } from '../../../electron/engine/raw/detect';
import { detectFormat } from '../../../electron/engine/image/format';
import { dataPath, tmpDir } from '../../helpers/paths';
import { buildSyntheticDng } from '../../fixtures/dng';

const dir = tmpDir('evenlight-detect-');
after(() => rmSync(dir, { recursive: true, force: true }));

function head(path: string, n = 256 * 1024): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function withMagic(prefix: Buffer | string, at = 0, size = 64): Buffer {
  const b = Buffer.alloc(size);
  (typeof prefix === 'string' ? Buffer.from(prefix, 'latin1') : prefix).copy(b, at);
  return b;
}

test('non-TIFF raw containers are recognised by magic bytes', () => {
  assert.equal(detectRawMagic(withMagic('ftypcrx ', 4)), 'cr3');
  assert.equal(detectRawMagic(withMagic('FUJIFILMCCD-RAW 0201')), 'raf');
  assert.equal(detectRawMagic(withMagic('IIRO\x08\x00\x00\x00')), 'orf');
  assert.equal(detectRawMagic(withMagic('IIRS\x08\x00\x00\x00')), 'orf');
  assert.equal(detectRawMagic(withMagic('IIU\x00\x08\x00\x00\x00')), 'rw2');
  assert.equal(detectRawMagic(withMagic('II*\x00\x10\x00\x00\x00CR\x02\x00')), 'cr2');
  assert.equal(detectRawMagic(withMagic('ftypheic', 4)), null);
  assert.equal(detectRawMagic(Buffer.alloc(4)), null);
});

test('a DNG is told apart from a plain TIFF by its tags, whatever its name', async () => {
  const dng = buildSyntheticDng({ width: 16, height: 16 });
  assert.equal(detectRawMagic(dng), 'tiff-raw');
  assert.deepEqual(detectFormat(dng, 'photo.tif'), { kind: 'image', format: 'raw' });
  const tif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).tiff().toBuffer();
  assert.equal(detectRawMagic(tif), null);
  assert.deepEqual(detectFormat(tif, 'photo.tif'), { kind: 'image', format: 'tiff' });
  // A TIFF container named like a raw is handed to the raw decoder (markers may lie deep).
  assert.deepEqual(detectFormat(tif, 'photo.NEF'), { kind: 'image', format: 'raw' });
});

test('detectFormat uses content, not the extension', async () => {
  const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
  const jpg = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).jpeg().toBuffer();
  const webp = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).webp().toBuffer();
  assert.deepEqual(detectFormat(png, 'x.jpg'), { kind: 'image', format: 'png' });
  assert.deepEqual(detectFormat(jpg, 'x.png'), { kind: 'image', format: 'jpeg' });
  assert.deepEqual(detectFormat(webp, 'x.tif'), { kind: 'image', format: 'webp' });
  assert.deepEqual(detectFormat(Buffer.from('hello world, not a photo'), 'x.jpg'), { kind: 'not-image' });
  assert.deepEqual(detectFormat(withMagic('GIF89a'), 'x.jpg'), { kind: 'unsupported', name: 'GIF' });
  assert.deepEqual(detectFormat(withMagic('ftypheic', 4), 'x.jpg'), { kind: 'unsupported', name: 'HEIF/HEIC' });
});

test('tiffLayout finds the raw size and the end of the image data', () => {
  const dng = buildSyntheticDng({ width: 64, height: 32 });
  const t = tiffLayout(dng, dng.length)!;
  assert.equal(t.width, 64);
  assert.equal(t.height, 32);
  assert.equal(t.dataEnd, dng.length);
  assert.equal(t.ifdOutside, false);
  const cut = dng.subarray(0, dng.length - 100);
  assert.ok(tiffLayout(cut, cut.length)!.dataEnd > cut.length);
  assert.equal(tiffLayout(dng.subarray(0, 6), 6), null);
});

test('the real Blackmagic DNG is detected as raw from its head', () => {
  const f = dataPath('raw', 'blackmagic_pocket4k_dng', 'Blackmagic.dng');
  const h = head(f);
  assert.equal(detectRawMagic(h), 'tiff-raw');
  const layout = tiffLayout(h, 3359616)!;
  assert.equal(layout.width, 4128);
  assert.equal(layout.height, 2176);
  assert.ok(layout.dataEnd <= 3359616);
});
