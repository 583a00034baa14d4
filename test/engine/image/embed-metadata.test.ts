import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import exifr from 'exifr';
import { embedIccInJpeg, embedIccInPng, embedInTiff, embedMetadata, extractExifBlock } from '../../../electron/engine/image/embed-metadata';
import { bareExif, setExifOrientation } from '../../../electron/engine/image/exif-block';
import { buildSyntheticDng } from '../../fixtures/dng';
import { sampleCameraExif } from '../../fixtures/exif-block';

async function p3Icc(): Promise<Buffer> {
  const j = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).withIccProfile('p3').jpeg().toBuffer();
  return (await sharp(j).metadata()).icc!;
}

/** The same EXIF block in big-endian ("MM") byte order, to check byte-order conversion. */
function toBigEndian(le: Buffer): Buffer {
  // Swaps the header, every entry and every value of the little-endian block (same offsets).
  const out = Buffer.from(le);
  out.write('MM', 0, 'latin1');
  out.writeUInt16BE(42, 2);
  out.writeUInt32BE(le.readUInt32LE(4), 4);
  const sizes: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 7: 1, 10: 4 };
  const ifd = (off: number): void => {
    const n = le.readUInt16LE(off);
    out.writeUInt16BE(n, off);
    for (let i = 0; i < n; i++) {
      const e = off + 2 + i * 12;
      const tag = le.readUInt16LE(e);
      const type = le.readUInt16LE(e + 2);
      const count = le.readUInt32LE(e + 4);
      out.writeUInt16BE(tag, e);
      out.writeUInt16BE(type, e + 2);
      out.writeUInt32BE(count, e + 4);
      const unit = sizes[type];
      const len = unit * count * (type === 5 || type === 10 ? 2 : 1);
      const at = len <= 4 ? e + 8 : le.readUInt32LE(e + 8);
      if (len > 4) out.writeUInt32BE(at, e + 8);
      for (let k = 0; k < len; k += unit) {
        if (unit === 2) out.writeUInt16BE(le.readUInt16LE(at + k), at + k);
        if (unit === 4) out.writeUInt32BE(le.readUInt32LE(at + k), at + k);
      }
      if (tag === 34665) ifd(le.readUInt32LE(e + 8));
    }
    out.writeUInt32BE(le.readUInt32LE(off + 2 + n * 12), off + 2 + n * 12);
  };
  ifd(le.readUInt32LE(4));
  return out;
}

test('ICC profiles larger than one JPEG segment are split and reassemble byte for byte', async () => {
  const base = await p3Icc();
  const big = Buffer.concat([base, Buffer.alloc(150_000 - base.length, 7)]);
  big.writeUInt32BE(big.length, 0);
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123' } }).jpeg().toBuffer();
  const out = embedIccInJpeg(embedIccInJpeg(jpeg, base), big); // replacing, not stacking
  assert.ok((await sharp(out).metadata()).icc?.equals(big));
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123' } }).png().toBuffer();
  assert.ok((await sharp(embedIccInPng(png, base)).metadata()).icc?.equals(base));
});

test('big-endian EXIF is converted into a little-endian TIFF output', async () => {
  const be = toBigEndian(sampleCameraExif());
  assert.equal(be.toString('latin1', 0, 2), 'MM');
  const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123' } }).tiff({ compression: 'lzw' }).toBuffer();
  const dir = mkdtempSync(join(tmpdir(), 'evenlight-embed-'));
  try {
    const f = join(dir, 'be.tif');
    writeFileSync(f, embedInTiff(tiff, setExifOrientation(be, 1), undefined));
    const t = (await exifr.parse(f, { mergeOutput: true, translateValues: false })) as Record<string, unknown>;
    assert.equal(t.Make, 'Evenlight Cam');
    assert.equal(t.ISO, 800);
    assert.equal(t.ExposureTime, 1 / 250);
    assert.equal(t.ExposureCompensation, -0.7);
    assert.equal(t.LensModel, 'Prime 35mm F1.4');
    assert.equal((await sharp(f).metadata()).width, 8, 'still a valid TIFF for libvips');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('setExifOrientation and bareExif', () => {
  const block = sampleCameraExif(6);
  const prefixed = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), block]);
  assert.ok(bareExif(prefixed)?.equals(block));
  assert.equal(bareExif(Buffer.from('nope nope')), null);
  const fixed = setExifOrientation(block, 1);
  assert.notDeepEqual(fixed, block);
  assert.equal(block.readUInt16LE(8 + 2 + 2 * 12 + 8), 6, 'input untouched (Orientation is the 3rd IFD0 entry)');
  assert.equal(fixed.readUInt16LE(8 + 2 + 2 * 12 + 8), 1);
});

test('extractExifBlock rebuilds a compact EXIF block from a DNG head', async () => {
  const dng = buildSyntheticDng({ width: 16, height: 16, make: 'Evenlight', model: 'Head DNG' });
  const block = extractExifBlock(dng)!;
  assert.ok(block.length < 400, `compact: ${block.length} bytes`);
  const jpeg = embedMetadata(await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).jpeg().toBuffer(), 'jpeg', { exif: block });
  const t = (await exifr.parse(jpeg, { mergeOutput: true })) as Record<string, unknown>;
  assert.equal(t.Make, 'Evenlight');
  assert.equal(t.Model, 'Head DNG');
  assert.equal(extractExifBlock(Buffer.from('not a tiff at all')), null);
});
