import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePpmHeader, ppmToFloat } from '../../../electron/engine/raw/ppm-stream';

const identity = (maxval: number): Float32Array => Float32Array.from({ length: maxval + 1 }, (_, i) => i / maxval);

function ppm16(width: number, height: number, samples: number[], magic = 'P6'): Buffer {
  const head = Buffer.from(`${magic}\n${width} ${height}\n65535\n`, 'latin1');
  const body = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => body.writeUInt16BE(v, i * 2));
  return Buffer.concat([head, body]);
}

test('parsePpmHeader reads P6/P5 headers with comments and waits for more bytes', () => {
  assert.deepEqual(parsePpmHeader(Buffer.from('P6\n# made by dcraw\n4 2\n65535\n')), { channels: 3, width: 4, height: 2, maxval: 65535, length: 29 });
  assert.equal(parsePpmHeader(Buffer.from('P6\n4 2\n655')), null);
  assert.throws(() => parsePpmHeader(Buffer.from('II*\0' + 'x'.repeat(80))), /expected PPM/);
});

test('16-bit RGB split at every possible byte boundary converts exactly', () => {
  const samples = Array.from({ length: 3 * 5 * 3 }, (_, i) => (i * 4099) % 65536);
  const file = ppm16(5, 3, samples);
  for (const size of [1, 2, 3, 7, 19, 20, 64, file.length]) {
    const sink = ppmToFloat(identity);
    for (let i = 0; i < file.length; i += size) sink.push(file.subarray(i, i + size));
    const img = sink.finish();
    assert.equal(img.width, 5);
    assert.equal(img.height, 3);
    assert.deepEqual(
      Array.from(img.data, (v) => Math.round(v * 65535)),
      samples,
      `chunk size ${size}`,
    );
    assert.equal(sink.maxValue(), Math.fround(Math.max(...samples) / 65535));
  }
});

test('grey P5 expands to RGB, 8-bit works, short output is an error', () => {
  const sink = ppmToFloat(identity);
  sink.push(ppm16(2, 1, [0, 65535], 'P5'));
  assert.deepEqual(Array.from(sink.finish().data), [0, 0, 0, 1, 1, 1]);
  const s8 = ppmToFloat(identity);
  s8.push(Buffer.concat([Buffer.from('P6\n1 1\n255\n'), Buffer.from([255, 0, 51])]));
  assert.deepEqual(Array.from(s8.finish().data, (v) => Math.round(v * 255)), [255, 0, 51]);
  const short = ppmToFloat(identity);
  short.push(ppm16(2, 2, [1, 2, 3]));
  assert.throws(() => short.finish(), /ended early \(3 of 12 samples\)/);
  assert.throws(() => ppmToFloat(identity).finish(), /no image/);
});

test('onHeader can refuse an image before any pixel is stored', () => {
  const sink = ppmToFloat(identity, (h) => {
    if (h.width * h.height > 4) throw new Error('too big');
  });
  assert.throws(() => sink.push(ppm16(3, 3, new Array(27).fill(0))), /too big/);
});

test('16-bit output below 65535 (12-bit decoders) uses the table, clamps codes past maxval, and fills a supplied array', () => {
  const head = Buffer.from('P6\n2 1\n4095\n', 'latin1'); // 12 bytes: samples start aligned
  const body = Buffer.alloc(12);
  [0, 1, 2048, 4095, 4096, 65535].forEach((v, i) => body.writeUInt16BE(v, i * 2));
  const given = new Float32Array(6);
  const sink = ppmToFloat(identity, undefined, (n) => (n === 6 ? given : new Float32Array(n)));
  sink.push(Buffer.concat([head, body]));
  const img = sink.finish();
  assert.equal(img.data, given);
  assert.deepEqual(Array.from(img.data, (v) => Math.round(v * 4095)), [0, 1, 2048, 4095, 4095, 4095]);
  assert.equal(sink.maxValue(), 1);
});
