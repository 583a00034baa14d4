import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTileFrame, encodeTileFrame } from '../../electron/common/tile-frame';

test('tile frames round-trip header and pixels (odd job id length -> padded header)', () => {
  const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => i);
  const frame = encodeTileFrame({ jobId: 'job-7', layer: 2, index: 4, total: 9, x: 224, y: 448, w: 3, h: 2, imageWidth: 1000, imageHeight: 700, rgba });
  assert.equal(frame.length % 4, 0);
  const t = decodeTileFrame(frame);
  assert.deepEqual({ ...t, rgba: [...t.rgba] }, { jobId: 'job-7', layer: 2, index: 4, total: 9, x: 224, y: 448, w: 3, h: 2, imageWidth: 1000, imageHeight: 700, rgba: [...rgba] });
});

test('decode refuses a foreign or inconsistent frame', () => {
  const good = encodeTileFrame({ jobId: 'a', layer: 0, index: 0, total: 1, x: 0, y: 0, w: 1, h: 1, imageWidth: 1, imageHeight: 1, rgba: new Uint8Array(4) });
  const bad = good.slice();
  bad[0] = 0;
  assert.throws(() => decodeTileFrame(bad), /magic/);
  assert.throws(() => decodeTileFrame(good.subarray(0, good.length - 1)), /pixel bytes/);
  assert.throws(() => encodeTileFrame({ jobId: 'a', layer: 0, index: 0, total: 1, x: 0, y: 0, w: 2, h: 1, imageWidth: 2, imageHeight: 1, rgba: new Uint8Array(4) }), /bytes/);
});
