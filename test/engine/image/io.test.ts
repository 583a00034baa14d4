import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import exifr from 'exifr';
import { makeThumbnail, outputBits, readImage, writeImage } from '../../../electron/engine/image/io';
import { floatToU16 } from '../../../electron/engine/image/quantize';
import { EvenlightError } from '../../../electron/engine/errors';
import type { RgbFloat } from '../../../electron/engine/image/types';
import { tmpDir } from '../../helpers/paths';
import { writeSyntheticDng } from '../../fixtures/dng';
import { greyIccProfile } from '../../fixtures/grey-icc';

const dir = tmpDir('evenlight-io-');
after(() => rmSync(dir, { recursive: true, force: true }));

const W = 48;
const H = 32;

/** 8-bit test pattern: distinct per channel and position, so transposes and swaps show. */
function pattern8(w = W, h = H, channels = 3): Buffer {
  const b = Buffer.alloc(w * h * channels);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * channels;
      b[i] = (x * 5) & 255;
      b[i + 1] = (y * 7) & 255;
      b[i + 2] = (x * 3 + y * 2) & 255;
      if (channels === 4) b[i + 3] = 255;
    }
  return b;
}

function maxDiff8(img: RgbFloat, ref: Buffer): number {
  let m = 0;
  for (let i = 0; i < img.data.length; i++) m = Math.max(m, Math.abs(Math.round(img.data[i] * 255) - ref[i]));
  return m;
}

const raw8 = { raw: { width: W, height: H, channels: 3 as const } };

test('round trips: PNG, TIFF 8-bit and lossless WebP read back exactly; JPEG closely', async () => {
  const ref = pattern8();
  const cases: Array<[string, Buffer, number]> = [
    ['a.png', await sharp(ref, raw8).png().toBuffer(), 0],
    ['a.tif', await sharp(ref, raw8).tiff({ compression: 'lzw' }).toBuffer(), 0],
    ['a.webp', await sharp(ref, raw8).webp({ lossless: true }).toBuffer(), 0],
    ['a.jpg', await sharp(ref, raw8).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer(), 8],
  ];
  for (const [name, buf, tol] of cases) {
    const f = join(dir, name);
    writeFileSync(f, buf);
    const { image, meta } = await readImage(f);
    assert.equal(image.width, W, name);
    assert.equal(image.height, H, name);
    assert.equal(image.data.length, W * H * 3);
    assert.equal(meta.bitDepth, 8);
    assert.ok(maxDiff8(image, ref) <= tol, `${name}: max diff ${maxDiff8(image, ref)}`);
  }
  // And through our own writer: PNG is exact at 8 bits, JPEG q92 close.
  const { image } = await readImage(join(dir, 'a.png'));
  for (const [format, tol] of [['png', 0], ['jpeg', 10]] as const) {
    const out = join(dir, `w.${format}`);
    await writeImage(out, image, { format });
    const back = await readImage(out);
    assert.ok(maxDiff8(back.image, ref) <= tol, `${format}: ${maxDiff8(back.image, ref)}`);
  }
});

test('JPEG Huffman optimisation is opt-in: same pixels, smaller file', async () => {
  // a noisy photo-like frame, large enough for the tables to matter
  const w = 256;
  const h = 192;
  const img: RgbFloat = { width: w, height: h, data: new Float32Array(w * h * 3) };
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < img.data.length; i++) img.data[i] = 0.3 + 0.3 * Math.sin(i / 97) + 0.1 * rnd();
  const plain = join(dir, 'plain.jpg');
  const small = join(dir, 'small.jpg');
  await writeImage(plain, img, { format: 'jpeg' });
  await writeImage(small, img, { format: 'jpeg', optimizeJpeg: true });
  const [a, b] = await Promise.all([sharp(plain).raw().toBuffer(), sharp(small).raw().toBuffer()]);
  assert.ok(a.equals(b), 'the tables change the coding, not the pixels');
  const [sa, sb] = [readFileSync(plain).length, readFileSync(small).length];
  assert.ok(sb < sa * 0.97, `optimised ${sb} B vs standard tables ${sa} B`);
});

test('a PNG is written at its source depth: 16-bit stays 16-bit, 8-bit and no source stay 8-bit', async () => {
  const u16 = new Uint16Array(W * H * 3);
  for (let i = 0; i < u16.length; i++) u16[i] = (i * 977 + 13) % 65536;
  const f = join(dir, 'in16.png');
  writeFileSync(f, await sharp(u16, raw8).toColourspace('rgb16').png().toBuffer());
  const { image, meta } = await readImage(f);
  assert.equal(meta.bitDepth, 16);
  const out = join(dir, 'out16.png');
  await writeImage(out, image, { format: 'png', meta });
  assert.equal((await sharp(out).metadata()).depth, 'ushort');
  assert.deepEqual(floatToU16((await readImage(out)).image.data), u16);
  const out8 = join(dir, 'out8.png');
  await writeImage(out8, image, { format: 'png' });
  assert.equal((await sharp(out8).metadata()).depth, 'uchar');
  const jpg = join(dir, 'out16.jpg');
  await writeImage(jpg, image, { format: 'jpeg', meta });
  assert.equal((await sharp(jpg).metadata()).depth, 'uchar');
  assert.deepEqual([outputBits('png', 16), outputBits('png', 8), outputBits('jpeg', 16), outputBits('tiff16', 8)], [16, 8, 8, 16]);
});

test('16-bit TIFF keeps 16-bit precision in and out', async () => {
  const u16 = new Uint16Array(W * H * 3);
  for (let i = 0; i < u16.length; i++) u16[i] = (i * 977 + 13) % 65536;
  const f = join(dir, 'in16.tif');
  // sharp's tiff() without options writes 8 bits; an explicit compression keeps 16.
  writeFileSync(f, await sharp(u16, raw8).toColourspace('rgb16').tiff({ compression: 'none' }).toBuffer());
  const { image, meta } = await readImage(f);
  assert.equal(meta.bitDepth, 16);
  for (let i = 0; i < u16.length; i++) assert.equal(Math.round(image.data[i] * 65535), u16[i]);
  const out = join(dir, 'out16.tif');
  await writeImage(out, image, { format: 'tiff16' });
  assert.equal((await sharp(out).metadata()).depth, 'ushort');
  const back = await readImage(out);
  assert.deepEqual(floatToU16(back.image.data), u16);
  // Neighbouring 16-bit codes stay distinct (8-bit would merge them).
  assert.notEqual(back.image.data[0], back.image.data[3]);
});

test('16-bit PNG reads as 16-bit', async () => {
  const u16 = new Uint16Array(W * H * 3).map((_, i) => (i * 331) % 65536);
  const f = join(dir, 'in16.png');
  writeFileSync(f, await sharp(u16, raw8).toColourspace('rgb16').png().toBuffer());
  const { image, meta } = await readImage(f);
  assert.equal(meta.bitDepth, 16);
  assert.equal(Math.round(image.data[5] * 65535), u16[5]);
});

test('writeImage clamps values outside 0..1 at encode', async () => {
  const data = new Float32Array([-0.5, 0.5, 1.7, 2, Number.NaN, 0.25]);
  const out = join(dir, 'clamp.png');
  await writeImage(out, { width: 2, height: 1, data }, { format: 'png' });
  const { data: px } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([...px], [0, 128, 255, 255, 0, 64]);
});

test('EXIF orientation is applied to the pixels (orientation 6 = rotate 90° clockwise)', async () => {
  // Stored 40×20: left half red, right half blue. Displayed upright it is 20×40, red on top.
  const stored = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++)
    for (let x = 0; x < 40; x++) stored.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
  const f = join(dir, 'rotated.jpg');
  writeFileSync(f, await sharp(stored, { raw: { width: 40, height: 20, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
  const { image, meta } = await readImage(f);
  assert.equal(meta.orientation, 6);
  assert.equal(image.width, 20);
  assert.equal(image.height, 40);
  const at = (x: number, y: number): number[] => [...image.data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
  assert.ok(at(10, 5)[0] > 0.9 && at(10, 5)[2] < 0.1, 'top is red');
  assert.ok(at(10, 35)[2] > 0.9 && at(10, 35)[0] < 0.1, 'bottom is blue');
});

test('EXIF and ICC travel from input to JPEG, PNG and 16-bit TIFF output; orientation reset to 1', async () => {
  const f = join(dir, 'meta.jpg');
  writeFileSync(
    f,
    await sharp(pattern8(), raw8)
      .jpeg({ quality: 95 })
      .withExif({ IFD0: { Make: 'TestCam', Model: 'X1' } })
      .withMetadata({ orientation: 6 })
      .withIccProfile('p3')
      .toBuffer(),
  );
  const { image, meta } = await readImage(f);
  assert.ok(meta.icc && meta.icc.length > 100, 'input ICC read');
  assert.ok(meta.exif, 'input EXIF read');
  for (const format of ['jpeg', 'png', 'tiff16'] as const) {
    const out = join(dir, `meta-out.${format}`);
    await writeImage(out, image, { format, meta });
    const md = await sharp(out).metadata();
    assert.ok(md.icc?.equals(meta.icc), `${format}: ICC profile carried byte for byte`);
    const tags = (await exifr.parse(out, { mergeOutput: true, translateValues: false })) as Record<string, unknown>;
    assert.equal(tags.Make, 'TestCam', format);
    assert.equal(tags.Model, 'X1', format);
    assert.equal(tags.Orientation, 1, `${format}: pixels are upright, orientation must be 1`);
    // Pixels are written as-is (no colour conversion into the attached profile).
    const back = await readImage(out);
    assert.equal(back.image.width, image.width);
    let m = 0;
    for (let i = 0; i < image.data.length; i++) m = Math.max(m, Math.abs(back.image.data[i] - image.data[i]));
    assert.ok(m <= (format === 'jpeg' ? 12 / 255 : 1 / 255), `${format}: max diff ${m}`);
  }
});

test('alpha is flattened onto white and greyscale is expanded to RGB', async () => {
  const rgba = Buffer.from([255, 0, 0, 255, 0, 0, 255, 0]);
  const f = join(dir, 'alpha.png');
  writeFileSync(f, await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer());
  const a = await readImage(f);
  assert.deepEqual([...a.image.data].map((v) => Math.round(v * 255)), [255, 0, 0, 255, 255, 255]);
  const grey = join(dir, 'grey.png');
  writeFileSync(grey, await sharp(Buffer.from([10, 200]), { raw: { width: 2, height: 1, channels: 1 } }).png().toBuffer());
  const g = await readImage(grey);
  assert.deepEqual([...g.image.data].map((v) => Math.round(v * 255)), [10, 10, 10, 200, 200, 200]);
});

test('keepAlpha: straight colour and the alpha plane, written back to PNG/TIFF and flattened onto white for JPEG', async () => {
  // half-transparent red, transparent blue, opaque green; 8-bit and 16-bit sources
  const rgba = Buffer.from([255, 0, 0, 128, 0, 0, 255, 0, 0, 255, 0, 255]);
  const f = join(dir, 'keep-alpha.png');
  writeFileSync(f, await sharp(rgba, { raw: { width: 3, height: 1, channels: 4 } }).png().toBuffer());
  const a = await readImage(f, { keepAlpha: true });
  assert.deepEqual([...a.image.data].map((v) => Math.round(v * 255)), [255, 0, 0, 0, 0, 255, 0, 255, 0]);
  assert.deepEqual([...(a.meta.alpha ?? [])], [128, 0, 255]);
  const png = join(dir, 'keep-alpha-out.png');
  await writeImage(png, a.image, { format: 'png', meta: a.meta });
  const back = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(back.info.channels, 4);
  assert.deepEqual([...back.data], [...rgba]);
  const tif = join(dir, 'keep-alpha-out.tif');
  await writeImage(tif, a.image, { format: 'tiff16', meta: a.meta });
  const t = await sharp(tif).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  assert.equal(t.info.channels, 4);
  assert.deepEqual([...new Uint16Array(t.data.buffer, t.data.byteOffset, 12)], [...rgba].map((v) => v * 257));
  const jpg = join(dir, 'keep-alpha-out.jpg');
  await writeImage(jpg, a.image, { format: 'jpeg', quality: 100, meta: a.meta });
  const j = await sharp(jpg).raw().toBuffer({ resolveWithObject: true });
  assert.equal(j.info.channels, 3);
  const want = [255, 127, 127, 255, 255, 255, 0, 255, 0];
  assert.ok([...j.data].every((v, i) => Math.abs(v - want[i]) <= 6), `flattened ${[...j.data]}`);
  // 16-bit grey + alpha: the plane keeps its 16 bits
  const g16 = join(dir, 'grey-alpha16.png');
  writeFileSync(g16, await sharp(new Uint16Array([1000, 40000, 60000, 65535]), { raw: { width: 2, height: 1, channels: 2 } }).toColourspace('grey16').png().toBuffer());
  const g = await readImage(g16, { keepAlpha: true });
  assert.equal(g.meta.bitDepth, 16);
  assert.deepEqual([...(g.meta.alpha ?? [])], [40000, 65535]);
  // without keepAlpha nothing changes: flattened, no plane
  assert.equal((await readImage(f)).meta.alpha, undefined);
});

test('a black-and-white file is written back black and white: one channel (grey + alpha for PNG) and its grey ICC profile', async () => {
  const icc = greyIccProfile();
  const iccFile = join(dir, 'grey.icc');
  writeFileSync(iccFile, icc);
  const ramp = Buffer.from(Array.from({ length: W * H }, (_, i) => (i * 7) % 256));
  const sources = {
    'grey.jpg': await sharp(ramp, { raw: { width: W, height: H, channels: 1 } }).withIccProfile(iccFile).jpeg({ quality: 95 }).toBuffer(),
    'grey16.png': await sharp(new Uint16Array([...ramp].map((v) => v * 257)), { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').png().toBuffer(),
    'grey-alpha.png': await sharp(ramp, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').ensureAlpha(0.5).png().toBuffer(),
  };
  for (const [name, buf] of Object.entries(sources)) {
    const f = join(dir, name);
    writeFileSync(f, buf);
    const { image, meta } = await readImage(f, { keepAlpha: true });
    assert.equal(meta.grey, true, name);
    for (const format of ['jpeg', 'png', 'tiff16'] as const) {
      const out = join(dir, `${name}-out.${format}`);
      await writeImage(out, image, { format, meta });
      const md = await sharp(out).metadata();
      const alpha = name === 'grey-alpha.png' && format !== 'jpeg';
      assert.equal(md.channels, alpha ? 2 : 1, `${name} -> ${format}: channels`);
      assert.equal(md.space, md.depth === 'ushort' ? 'grey16' : 'b-w', `${name} -> ${format}`);
      if (name === 'grey.jpg') assert.ok(md.icc?.equals(icc), `${name} -> ${format}: the grey profile carried byte for byte`);
      if (name === 'grey-alpha.png' && format === 'jpeg') continue; // flattened onto white: other pixels
      const back = await readImage(out, { keepAlpha: true });
      let m = 0;
      for (let i = 0; i < image.data.length; i++) m = Math.max(m, Math.abs(back.image.data[i] - image.data[i]));
      assert.ok(m <= (format === 'jpeg' ? 12 / 255 : 1 / 255), `${name} -> ${format}: max diff ${m}`);
    }
  }
  // a colour file is not marked grey, however grey its pixels: an RGB source stays RGB
  const rgbGrey = join(dir, 'rgb-grey.png');
  writeFileSync(rgbGrey, await sharp(Buffer.from([...ramp].flatMap((v) => [v, v, v])), { raw: { width: W, height: H, channels: 3 } }).png().toBuffer());
  assert.equal((await readImage(rgbGrey)).meta.grey, undefined);
});

test('format comes from magic bytes: a PNG named .jpg reads as PNG', async () => {
  const f = join(dir, 'really-a-png.jpg');
  writeFileSync(f, await sharp(pattern8(), raw8).png().toBuffer());
  const { meta } = await readImage(f);
  assert.equal(meta.format, 'png');
});

test('writeImage is atomic: no temp files left, failure leaves nothing, input never overwritten', async () => {
  const sub = join(dir, 'atomic');
  mkdirSync(sub);
  const img: RgbFloat = { width: 4, height: 4, data: new Float32Array(48).fill(0.5) };
  await writeImage(join(sub, 'ok.png'), img, { format: 'png' });
  await writeImage(join(sub, 'ok.png'), img, { format: 'png' }); // replacing works
  mkdirSync(join(sub, 'is-a-folder.png'));
  await assert.rejects(writeImage(join(sub, 'is-a-folder.png'), img, { format: 'png' }), (e: unknown) => e instanceof EvenlightError && e.code === 'OUTPUT_UNWRITABLE');
  assert.deepEqual(readdirSync(sub).sort(), ['is-a-folder.png', 'ok.png']);

  const input = join(sub, 'ok.png');
  const before = readFileSync(input);
  const { image, meta } = await readImage(input);
  await assert.rejects(
    writeImage(input, image, { format: 'png', meta }),
    (e: unknown) => e instanceof EvenlightError && e.code === 'OUTPUT_UNWRITABLE' && /overwrite the original/.test(e.message) && e.message.includes(input),
  );
  assert.ok(readFileSync(input).equals(before));
  await assert.rejects(writeImage(join(sub, 'bad.png'), { width: 3, height: 3, data: new Float32Array(5) }, { format: 'png' }), /does not match its size/);
});

test('makeThumbnail: big JPEG shrinks on load, orientation applied, aspect kept', async () => {
  const f = join(dir, 'big.jpg');
  writeFileSync(
    f,
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#884422' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer(),
  );
  const thumb = await makeThumbnail(f, 256);
  assert.equal(thumb[0], 0xff);
  assert.equal(thumb[1], 0xd8);
  const md = await sharp(thumb).metadata();
  assert.equal(md.height, 256);
  assert.equal(md.width, 192);
});

test('makeThumbnail of a RAW (synthetic DNG) gives a JPEG of the right size', async () => {
  const f = join(dir, 'thumb.dng');
  writeSyntheticDng(f, { width: 640, height: 480 });
  const md = await sharp(await makeThumbnail(f, 200)).metadata();
  assert.equal(md.format, 'jpeg');
  assert.equal(Math.max(md.width!, md.height!), 200);
  assert.equal(md.width, 200);
  assert.equal(md.height, 150);
});

test('makeThumbnail of a RAW with an embedded preview uses it, turned by the raw orientation', async () => {
  // Green preview, grey chart raw: the colour tells which one the thumbnail came from.
  const preview = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#00ff00' } }).jpeg().toBuffer();
  const f = join(dir, 'with-preview.dng');
  writeSyntheticDng(f, { width: 640, height: 480, preview, previewWidth: 320, previewHeight: 240, orientation: 6 });
  const thumb = await makeThumbnail(f, 200);
  const { data, info } = await sharp(thumb).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 150, 'portrait: orientation 6 applied to the preview');
  assert.equal(info.height, 200);
  assert.ok(data[1] > 200 && data[0] < 40 && data[2] < 40, `preview pixels used: ${data[0]},${data[1]},${data[2]}`);
  // The full decode agrees on orientation.
  const { image } = await readImage(f);
  assert.deepEqual([image.width, image.height], [480, 640]);
});
