import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expNeg, MERTENS_DEFAULTS, mertensFuse, mertensMaxLevel, mertensWeight } from '../../../electron/engine/hdr/mertens';
import { asRgbFloat } from '../../../electron/engine/image/to-float';
import { psnr } from '../../../electron/engine/metrics/psnr';
import { prepareBracket, runOpenCv } from '../../helpers/opencv-ref';

// Parity floors: the figures measured here (float PSNR, 8-bit PSNR) less MARGIN_DB. The
// README's "Mertens 57.9–84.9 dB" is the float range of OpenCV's weights (1, 1, 0) over these
// scenes; the paper's weights (1, 1, 1, our default) reach 61.6–82.7 dB. Both sides fuse the
// same prepared frames, so only float rounding separates them: 1 dB covers another OpenCV
// build, while a real regression loses tens of dB.
const MARGIN_DB = 1;
const FIGURES: Record<string, Record<'mertens' | 'mertens-default', [number, number]>> = {
  rawio_canon70d_kitchen: { mertens: [82.7, 69.1], 'mertens-default': [84.9, 69.4] },
  rawio_canon5d3_foyer: { mertens: [79.1, 69.5], 'mertens-default': [76.7, 64.6] },
  mertens_house: { mertens: [61.6, 59.9], 'mertens-default': [57.9, 55.7] },
};

// odd widths/heights on purpose: they exercise pyrDown/pyrUp's border and odd-size rules
for (const [scene, width] of [['rawio_canon70d_kitchen', 481], ['rawio_canon5d3_foyer', 397], ['mertens_house', 375]] as const) {
  test(`Mertens fusion matches cv2.createMergeMertens on ${scene} (documented dB less ${MARGIN_DB} dB)`, async () => {
    const b = await prepareBracket(scene, width);
    const ref = runOpenCv(b, ['mertens', 'mertens-default']);
    // 'mertens' is cv2.createMergeMertens(1, 1, 1), the paper's weights and our default: checked
    // through the default itself; 'mertens-default' is OpenCV's (1, 1, 0), stated explicitly
    const cases = [
      ['mertens', mertensFuse(b.images)],
      ['mertens-default', mertensFuse(b.images, { contrast: 1, saturation: 1, exposure: 0 })],
    ] as const;
    for (const [name, ours] of cases) {
      const theirs = { width: ref.meta.width, height: ref.meta.height, data: ref.read(name) };
      assert.equal(ours.width, theirs.width);
      assert.equal(ours.height, theirs.height);
      const dbFloat = psnr(ours, theirs, 1);
      const db8 = psnr(ours, theirs);
      const [floatDb, eightBitDb] = FIGURES[scene][name];
      assert.ok(dbFloat >= floatDb - MARGIN_DB, `${name} float PSNR ${dbFloat.toFixed(2)} dB, documented ${floatDb}`);
      assert.ok(db8 >= eightBitDb - MARGIN_DB, `${name} 8-bit PSNR ${db8.toFixed(2)} dB, documented ${eightBitDb}`);
      console.log(`${scene} ${name}: float PSNR ${dbFloat.toFixed(1)} dB, 8-bit ${db8.toFixed(1)} dB`);
    }
  });
}

test('the default weights are the paper\'s (1, 1, 1), and an explicit 1,1,0 fuses differently', async () => {
  assert.deepEqual({ ...MERTENS_DEFAULTS }, { contrast: 1, saturation: 1, exposure: 1 });
  const b = await prepareBracket('rawio_canon5d3_foyer', 120);
  const paper = mertensFuse(b.images, { contrast: 1, saturation: 1, exposure: 1 });
  assert.equal(psnr(mertensFuse(b.images), paper, 1), Infinity);
  // dropping well-exposedness changes the fusion visibly: the default is not OpenCV's
  assert.ok(psnr(mertensFuse(b.images, { contrast: 1, saturation: 1, exposure: 0 }), paper) < 40);
});

test('Mertens keeps a single frame (weights normalise to 1) and rejects mixed sizes', () => {
  const w = 33, h = 20;
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 101) / 100;
  const out = mertensFuse([{ width: w, height: h, data }]);
  let maxErr = 0;
  for (let i = 0; i < data.length; i++) maxErr = Math.max(maxErr, Math.abs(out.data[i] - data[i]));
  assert.ok(maxErr < 1e-5, `max error ${maxErr}`);
  assert.equal(mertensMaxLevel(512, 700), 9);
  assert.throws(() => mertensFuse([{ width: w, height: h, data }, { width: w, height: h + 1, data: new Float32Array(w * (h + 1) * 3) }]), /differs/);
});

test('8- and 16-bit frames fuse bit for bit as their float copies (read a row at a time, never copied whole)', async () => {
  const b = await prepareBracket('rawio_canon5d3_foyer', 211);
  for (const bits of [8, 16] as const) {
    const max = bits === 8 ? 255 : 65535;
    const rasters = b.images.map((im) => {
      const data = bits === 8 ? new Uint8Array(im.data.length) : new Uint16Array(im.data.length);
      for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, im.data[i])) * max);
      return { width: im.width, height: im.height, bits, data };
    });
    const floats = rasters.map(asRgbFloat);
    const a = mertensFuse(rasters).data;
    const f = mertensFuse(floats).data;
    assert.equal(a.length, f.length);
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], f[i])) assert.fail(`${bits}-bit: value ${i} is ${a[i]}, its float copy's ${f[i]}`);
    // the weights alone too, and with other exponents
    const wa = mertensWeight(rasters[1], 0.5, 2, 1.5);
    const wf = mertensWeight(floats[1], 0.5, 2, 1.5);
    for (let i = 0; i < wa.length; i++) if (!Object.is(wa[i], wf[i])) assert.fail(`${bits}-bit weight ${i}`);
  }
});

test('the well-exposedness exp (a table and a cubic) is Math.exp to 2e-11 relative, and Math.exp itself beyond its table', () => {
  let worst = 0;
  // the in-range weights' exponents (≤ 9.4) and far beyond, between table entries and on them
  for (let i = 0; i <= 700_000; i++) {
    const x = i / 10_000 + (i % 7) * 1.3e-7;
    worst = Math.max(worst, Math.abs(expNeg(x) - Math.exp(-x)) / Math.exp(-x));
  }
  assert.ok(worst < 2e-11, `worst relative error ${worst}`);
  assert.equal(expNeg(0), 1);
  assert.equal(expNeg(80), Math.exp(-80));
  assert.ok(Number.isNaN(expNeg(Number.NaN)), 'NaN stays NaN, as Math.exp gives it');
});
