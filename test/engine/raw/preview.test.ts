// raw/preview.ts: the embedded JPEG preview that library thumbnails come from.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { extractEmbeddedPreview, jpegSize, readEmbeddedPreview } from '../../../electron/engine/raw/preview';
import { extractPreviewWasm } from '../../../electron/engine/raw/libraw-wasm';
import { tmpDir } from '../../helpers/paths';
import { writeSyntheticDng } from '../../fixtures/dng';

const dir = tmpDir('evenlight-preview-');
after(() => rmSync(dir, { recursive: true, force: true }));

const jpeg = (w: number, h: number, colour = '#00ff00'): Promise<Buffer> => sharp({ create: { width: w, height: h, channels: 3, background: colour } }).jpeg().toBuffer();

test('jpegSize reads baseline/progressive SOFs and refuses lossless JPEG (raw data, not a preview)', async () => {
  assert.deepEqual(jpegSize(await jpeg(33, 17)), { width: 33, height: 17 });
  assert.deepEqual(jpegSize(await sharp({ create: { width: 40, height: 20, channels: 3, background: '#123456' } }).jpeg({ progressive: true }).toBuffer()), { width: 40, height: 20 });
  // SOI, then SOF3 (lossless, as in a DNG's compressed raw tiles)
  const lossless = Buffer.from([0xff, 0xd8, 0xff, 0xc3, 0x00, 0x0b, 0x10, 0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x11, 0x00]);
  assert.equal(jpegSize(lossless), null);
  assert.equal(jpegSize(Buffer.from('not a jpeg at all')), null);
});

test('a DNG preview in IFD0 is found with its size and the raw orientation', async () => {
  const preview = await jpeg(320, 240);
  const f = join(dir, 'p.dng');
  writeSyntheticDng(f, { width: 640, height: 480, preview, previewWidth: 320, previewHeight: 240, orientation: 6 });
  const p = readEmbeddedPreview(f);
  assert.ok(p && p !== 'none');
  assert.equal(p.source, 'tiff');
  assert.deepEqual([p.width, p.height, p.orientation], [320, 240, 6]);
  assert.ok(p.jpeg.equals(preview));
});

test('a DNG without a preview: none, at once (no decoder is asked)', async () => {
  const f = join(dir, 'none.dng');
  writeSyntheticDng(f, { width: 64, height: 48 });
  assert.equal(readEmbeddedPreview(f), 'none');
  const threads = (): number => readdirSync('/proc/self/task').length;
  const before = threads();
  assert.equal(await extractEmbeddedPreview(f), null);
  assert.equal(threads(), before, 'no decoder thread was started');
});

/** A big-endian TIFF raw in the PEF manner: IFD0 (CFA) with a small preview, IFD1 with a big one. */
function tiffWithPreviews(big: Buffer, small: Buffer): Buffer {
  type Entry = [tag: number, type: number, value: number];
  const ifd = (entries: Entry[], next: number): Buffer => {
    const b = Buffer.alloc(2 + entries.length * 12 + 4);
    b.writeUInt16BE(entries.length, 0);
    entries.forEach(([tag, type, value], i) => {
      b.writeUInt16BE(tag, 2 + i * 12);
      b.writeUInt16BE(type, 4 + i * 12);
      b.writeUInt32BE(1, 6 + i * 12);
      if (type === 3) b.writeUInt16BE(value, 10 + i * 12);
      else b.writeUInt32BE(value, 10 + i * 12);
    });
    b.writeUInt32BE(next, 2 + entries.length * 12);
    return b;
  };
  const ifd1At = 8 + (2 + 4 * 12 + 4);
  const smallAt = ifd1At + (2 + 2 * 12 + 4);
  const bigAt = smallAt + small.length;
  const ifd0 = ifd(
    [
      [262, 3, 32803], // PhotometricInterpretation CFA: the raw
      [274, 3, 8], // Orientation
      [513, 4, smallAt],
      [514, 4, small.length],
    ],
    ifd1At,
  );
  const ifd1 = ifd(
    [
      [513, 4, bigAt],
      [514, 4, big.length],
    ],
    0,
  );
  return Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), ifd0, ifd1, small, big]);
}

test('TIFF raws: JPEGInterchangeFormat in the IFD chain, the largest preview wins, big-endian', async () => {
  const big = await jpeg(400, 300, '#ff0000');
  const small = await jpeg(160, 120, '#0000ff');
  const f = join(dir, 'raw.pef');
  writeFileSync(f, tiffWithPreviews(big, small));
  const p = readEmbeddedPreview(f);
  assert.ok(p && p !== 'none');
  assert.deepEqual([p.width, p.height, p.orientation], [400, 300, 8]);
  assert.ok(p.jpeg.equals(big));
});

test('RAF: the preview the header points at', async () => {
  const preview = await jpeg(200, 150);
  const head = Buffer.alloc(160);
  head.write('FUJIFILMCCD-RAW 0201FF129502', 0, 'latin1');
  head.writeUInt32BE(160, 84);
  head.writeUInt32BE(preview.length, 88);
  const f = join(dir, 'x.raf');
  writeFileSync(f, Buffer.concat([head, preview]));
  const p = readEmbeddedPreview(f);
  assert.ok(p && p !== 'none');
  assert.equal(p.source, 'raf');
  assert.ok(p.jpeg.equals(preview));
});

test('LibRaw (WebAssembly) extracts the same preview: the path for formats not parsed here (CR3)', async () => {
  const preview = await jpeg(320, 240);
  const f = join(dir, 'w.dng');
  writeSyntheticDng(f, { width: 640, height: 480, preview, previewWidth: 320, previewHeight: 240 });
  const got = await extractPreviewWasm(f);
  assert.ok(got);
  // LibRaw may put an EXIF header in front: the same picture, not the same bytes
  assert.deepEqual(jpegSize(got), { width: 320, height: 240 });
  const { data } = await sharp(got).raw().toBuffer({ resolveWithObject: true });
  assert.ok(data[1] > 200 && data[0] < 40 && data[2] < 40, `preview pixels: ${data[0]},${data[1]},${data[2]}`);
  // the same thread answers the next files, one with no preview, one not a raw at all
  const none = join(dir, 'w-none.dng');
  writeSyntheticDng(none, { width: 64, height: 48 });
  assert.equal(await extractPreviewWasm(none), null);
  const text = join(dir, 'w-text.dng');
  writeFileSync(text, 'no raw here '.repeat(50));
  assert.equal(await extractPreviewWasm(text), null);
  // abort ends the thread; the next call starts another
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(extractPreviewWasm(f, ac.signal), (e: unknown) => (e as { code?: string }).code === 'CANCELLED');
  assert.deepEqual(jpegSize((await extractPreviewWasm(f))!), { width: 320, height: 240 });
});
