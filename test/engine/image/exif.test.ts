import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readExif, exifDateToIso } from '../../../electron/engine/image/exif';
import { embedExifInJpeg, embedExifInPng } from '../../../electron/engine/image/embed-metadata';
import { writeImage, readImage } from '../../../electron/engine/image/io';
import { EvenlightError } from '../../../electron/engine/errors';
import { dataPath, tmpDir } from '../../helpers/paths';
import { sampleCameraExif } from '../../fixtures/exif-block';
import { writeSyntheticDng } from '../../fixtures/dng';

const dir = tmpDir('evenlight-exif-');
after(() => rmSync(dir, { recursive: true, force: true }));

async function plainJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#6080a0' } }).jpeg().toBuffer();
}

const expected = {
  exposureTime: 1 / 250,
  iso: 800,
  fNumber: 2.8,
  exposureBias: -0.7,
  captureTime: '2024-05-01T10:20:30.45+02:00',
  make: 'Evenlight Cam',
  model: 'EC-1',
  lens: 'LensCo Prime 35mm F1.4',
  orientation: 1,
  width: 64,
  height: 48,
};

test('readExif summarises a JPEG with full camera EXIF', async () => {
  const f = join(dir, 'camera.jpg');
  writeFileSync(f, embedExifInJpeg(await plainJpeg(), sampleCameraExif()));
  const s = await readExif(f);
  assert.ok(Math.abs(s.exposureTime! - 0.004) < 1e-9);
  assert.ok(Math.abs(s.fNumber! - 2.8) < 1e-9);
  assert.ok(Math.abs(s.exposureBias! + 0.7) < 1e-9);
  assert.deepEqual({ ...s, exposureTime: expected.exposureTime, fNumber: 2.8, exposureBias: -0.7 }, expected);
});

test('readExif reads PNG eXIf and the EXIF carried into a 16-bit TIFF by writeImage', async () => {
  const png = join(dir, 'camera.png');
  const base = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } }).png().toBuffer();
  writeFileSync(png, embedExifInPng(base, sampleCameraExif()));
  assert.equal((await readExif(png)).iso, 800);
  const { image, meta } = await readImage(png);
  const tif = join(dir, 'out.tif');
  await writeImage(tif, image, { format: 'tiff16', meta });
  const s = await readExif(tif);
  assert.equal(s.iso, 800);
  assert.equal(s.captureTime, expected.captureTime);
  assert.equal(s.make, 'Evenlight Cam');
});

test('readExif returns an empty summary for files without EXIF and for non-images', async () => {
  const f = join(dir, 'plain.png');
  writeFileSync(f, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer());
  const s = await readExif(f);
  assert.equal(s.exposureTime, undefined);
  assert.equal(s.make, undefined);
  const t = join(dir, 'notes.jpg');
  writeFileSync(t, 'not a photo\n');
  assert.deepEqual(await readExif(t), {});
});

test('readExif throws NOT_FOUND naming a missing file', async () => {
  const f = join(dir, 'missing.jpg');
  await assert.rejects(readExif(f), (e: unknown) => e instanceof EvenlightError && e.code === 'NOT_FOUND' && e.message.includes(f));
});

test('readExif reads DNG tags (synthetic and real)', async () => {
  const f = join(dir, 'syn.dng');
  writeSyntheticDng(f, { width: 32, height: 24, make: 'Evenlight', model: 'Synth DNG' });
  const s = await readExif(f);
  assert.equal(s.make, 'Evenlight');
  assert.equal(s.model, 'Synth DNG');
  assert.equal(s.width, 32);
  // With an embedded preview in IFD0, the size reported is still the sensor image's.
  const preview = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#000' } }).jpeg().toBuffer();
  const p = join(dir, 'syn-preview.dng');
  writeSyntheticDng(p, { width: 64, height: 48, preview, previewWidth: 16, previewHeight: 12 });
  const sp = await readExif(p);
  assert.deepEqual([sp.width, sp.height, sp.make], [64, 48, 'Evenlight']);
  const r = await readExif(dataPath('raw', 'blackmagic_pocket4k_dng', 'Blackmagic.dng'));
  assert.match(r.model ?? '', /Blackmagic Pocket Cinema Camera 4K/);
  assert.equal(r.width, 4128);
  assert.equal(r.height, 2176);
});

test('readExif on a real camera JPEG (Canon 5D Mark III bracket frame)', async () => {
  const folder = dataPath('brackets', 'rawio_canon5d3_foyer');
  const file = readdirSync(folder).filter((n) => /\.jpe?g$/i.test(n)).sort()[0];
  const s = await readExif(join(folder, file));
  assert.equal(s.make, 'Canon');
  assert.equal(s.model, 'Canon EOS 5D Mark III');
  assert.ok(s.exposureTime! > 0 && s.exposureTime! < 60);
  assert.equal(s.iso, 400);
  assert.equal(s.fNumber, 8);
  assert.equal(s.lens, 'EF17-40mm f/4L USM');
  assert.match(s.captureTime ?? '', /^2020-08-19T\d\d:\d\d:\d\d\.\d+$/);
});

test('exifDateToIso handles sub-seconds, offsets and blank dates', () => {
  assert.equal(exifDateToIso('2021:12:31 23:59:58', '5', '-05:00'), '2021-12-31T23:59:58.5-05:00');
  assert.equal(exifDateToIso('2021:12:31 23:59:58'), '2021-12-31T23:59:58');
  assert.equal(exifDateToIso('0000:00:00 00:00:00'), undefined);
  assert.equal(exifDateToIso('garbage'), undefined);
});

test('capture EXIF travels from TIFF and DNG inputs into rendered JPEG output', async () => {
  // TIFF input: libvips does not expose its EXIF, io.ts rebuilds it from the directories.
  const png = join(dir, 'src.png');
  const base = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#222' } }).png().toBuffer();
  writeFileSync(png, embedExifInPng(base, sampleCameraExif(3)));
  const a = await readImage(png);
  const tif = join(dir, 'src16.tif');
  await writeImage(tif, a.image, { format: 'tiff16', meta: a.meta });
  const b = await readImage(tif);
  assert.ok(b.meta.exif, 'EXIF read back from a TIFF');
  const jpg = join(dir, 'from-tiff.jpg');
  await writeImage(jpg, b.image, { format: 'jpeg', meta: b.meta });
  const s = await readExif(jpg);
  assert.equal(s.iso, 800);
  assert.equal(s.lens, 'LensCo Prime 35mm F1.4');
  assert.equal(s.orientation, 1);
  // DNG input: Make/Model from the raw's IFD0 reach the JPEG.
  const dng = join(dir, 'travel.dng');
  writeSyntheticDng(dng, { width: 32, height: 24, make: 'Evenlight', model: 'Travel DNG' });
  const r = await readImage(dng);
  const out = join(dir, 'from-dng.jpg');
  await writeImage(out, r.image, { format: 'jpeg', meta: r.meta });
  const t = await readExif(out);
  assert.equal(t.make, 'Evenlight');
  assert.equal(t.model, 'Travel DNG');
});
