import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { headerInfo, checkHeader } from '../../../electron/engine/image/header';
import { EvenlightError } from '../../../electron/engine/errors';
import { buildSyntheticDng } from '../../fixtures/dng';

const sizes: Array<[number, number]> = [
  [1, 1],
  [37, 23],
  [640, 480],
  [3001, 17],
];

test('header dimensions match sharp for JPEG (baseline and progressive), PNG, WebP (lossy, lossless, alpha), TIFF', async () => {
  for (const [w, h] of sizes) {
    const base = sharp({ create: { width: w, height: h, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } });
    const cases: Array<[string, 'jpeg' | 'png' | 'webp' | 'tiff', Buffer]> = [
      ['jpeg', 'jpeg', await base.clone().jpeg().toBuffer()],
      ['jpeg progressive', 'jpeg', await base.clone().jpeg({ progressive: true }).withMetadata({ orientation: 6 }).toBuffer()],
      ['png', 'png', await base.clone().png().toBuffer()],
      ['webp lossy', 'webp', await base.clone().flatten().webp().toBuffer()],
      ['webp lossless', 'webp', await base.clone().flatten().webp({ lossless: true }).toBuffer()],
      ['webp alpha (VP8X)', 'webp', await base.clone().webp().toBuffer()],
      ['tiff', 'tiff', await base.clone().tiff({ compression: 'lzw' }).toBuffer()],
    ];
    for (const [name, format, buf] of cases) {
      const info = headerInfo(buf, format, buf.length);
      assert.equal(info.truncated, undefined, name);
      assert.deepEqual([info.width, info.height], [w, h], `${name} ${w}×${h}`);
    }
  }
});

test('header of a DNG gives the sensor size; a cut file is reported as truncated', () => {
  const dng = buildSyntheticDng({ width: 120, height: 80 });
  assert.deepEqual(headerInfo(dng, 'raw', dng.length), { width: 120, height: 80 });
  assert.match(headerInfo(dng, 'raw', dng.length - 1).truncated ?? '', /image data should end at byte/);
});

test('checkHeader refuses by pixel count (with the half-size divisor for RAW)', async () => {
  const png = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#000' } }).png().toBuffer();
  assert.throws(
    () => checkHeader('/x/a.png', png, 'png', png.length, 19_999),
    (e: unknown) => e instanceof EvenlightError && e.code === 'TOO_LARGE' && e.message === '/x/a.png: image is 200×100 (20000 pixels), above the limit of 19999 pixels',
  );
  assert.equal(checkHeader('/x/a.png', png, 'png', png.length, 20_000).width, 200);
  const dng = buildSyntheticDng({ width: 200, height: 100 });
  assert.equal(checkHeader('/x/a.dng', dng, 'raw', dng.length, 5_000, 4).height, 100);
  assert.throws(() => checkHeader('/x/a.dng', dng, 'raw', dng.length, 4_999, 4), /above the limit/);
});
