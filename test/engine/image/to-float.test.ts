import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asRgbFloat, floatScale, intToFloat, rasterRows, rasterToFloat } from '../../../electron/engine/image/to-float';

test('integer codes become code / max in float32, by frame and by row alike', () => {
  for (const bits of [8, 16] as const) {
    const max = bits === 8 ? 255 : 65535;
    const lut = floatScale(bits);
    assert.equal(lut.length, max + 1);
    assert.equal(lut[0], 0);
    assert.equal(lut[max], 1);
    assert.equal(lut[max >> 1], Math.fround((max >> 1) / max));
    const w = 5, h = 3;
    const data = bits === 8 ? new Uint8Array(w * h * 3) : new Uint16Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % (max + 1);
    const raster = { width: w, height: h, bits, data };
    const whole = rasterToFloat(raster);
    assert.deepEqual([whole.width, whole.height], [w, h]);
    for (let i = 0; i < data.length; i++) assert.equal(whole.data[i], Math.fround(data[i] / max));
    const rows = rasterRows(raster);
    for (let y = 0; y < h; y++) assert.deepEqual(Array.from(rows(y)), Array.from(whole.data.subarray(y * w * 3, (y + 1) * w * 3)));
    assert.deepEqual(asRgbFloat(raster).data, whole.data);
    assert.equal(asRgbFloat(whole), whole, 'a float frame is passed through');
  }
  // four channels in: the fourth (alpha) is dropped
  const rgba = intToFloat(Uint8Array.from([255, 0, 51, 9, 0, 255, 102, 9]), 2, 1, 4);
  assert.deepEqual(Array.from(rgba.data), [1, 0, Math.fround(0.2), 0, 1, Math.fround(0.4)]);
});
