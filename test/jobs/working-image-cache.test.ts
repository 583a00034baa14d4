import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbFloat } from '../../electron/engine/image/types';
import { EvenlightError } from '../../electron/engine/errors';
import { cachedWorkingImage, clearWorkingImageCache, keepSpare, lendSpare, MAX_KEPT_BYTES, reserveSpare, workingImageCacheStats } from '../../electron/jobs/working-image-cache';
import { tmpDir } from '../helpers/paths';

const dir = tmpDir('evenlight-wcache-');
const never = new AbortController().signal;

function file(name: string): string {
  const f = join(dir, name);
  writeFileSync(f, name);
  return f;
}

/** A counting load; by default the n-th call returns a 1×1 image of value n. */
function loader(make = (n: number): RgbFloat => ({ width: 1, height: 1, data: new Float32Array([n, n, n]) })): { load: () => Promise<RgbFloat>; calls: () => number } {
  let n = 0;
  return {
    load: async () => make(++n),
    calls: () => n,
  };
}

test('one decode per photo and size: a second request gets the same image', async () => {
  clearWorkingImageCache();
  const f = file('a.jpg');
  const l = loader();
  const [a, b] = await Promise.all([cachedWorkingImage(f, 2048, never, l.load), cachedWorkingImage(f, 2048, never, l.load)]);
  const c = await cachedWorkingImage(f, 2048, never, l.load);
  assert.equal(l.calls(), 1);
  assert.equal(a, b);
  assert.equal(a, c);
  await cachedWorkingImage(f, 1024, never, l.load);
  assert.equal(l.calls(), 2, 'another size is another image');
});

test('a changed file is decoded again; the two most recent photos are kept', async () => {
  clearWorkingImageCache();
  const f = file('b.jpg');
  const l = loader();
  await cachedWorkingImage(f, 2048, never, l.load);
  utimesSync(f, new Date(), new Date(Date.now() + 5000));
  const fresh = await cachedWorkingImage(f, 2048, never, l.load);
  assert.equal(l.calls(), 2);
  assert.equal(fresh.data[0], 2);

  const g = file('c.jpg');
  const h = file('d.jpg');
  await cachedWorkingImage(g, 2048, never, l.load);
  await cachedWorkingImage(h, 2048, never, l.load); // f is now the oldest: evicted
  assert.equal(workingImageCacheStats().entries, 2);
  await cachedWorkingImage(h, 2048, never, l.load);
  assert.equal(l.calls(), 4);
  await cachedWorkingImage(f, 2048, never, l.load);
  assert.equal(l.calls(), 5);
});

test('failures are not kept; a waiter survives another job cancelling the shared decode', async () => {
  clearWorkingImageCache();
  const f = file('e.jpg');
  const failing = loader(() => {
    throw new EvenlightError('DECODE_FAILED', f, 'broken');
  });
  await assert.rejects(cachedWorkingImage(f, 2048, never, failing.load), /broken/);
  await assert.rejects(cachedWorkingImage(f, 2048, never, failing.load), /broken/);
  assert.equal(failing.calls(), 2);

  // job A starts the decode and is cancelled; job B, not cancelled, asked for the same photo
  const aborted = new AbortController();
  let calls = 0;
  const load = async (): Promise<RgbFloat> => {
    calls++;
    if (calls === 1) {
      await new Promise((r) => setTimeout(r, 20));
      aborted.abort();
      throw new EvenlightError('CANCELLED', f, 'cancelled');
    }
    return { width: 1, height: 1, data: new Float32Array(3) };
  };
  const a = cachedWorkingImage(f, 512, aborted.signal, load);
  const b = cachedWorkingImage(f, 512, never, load);
  await assert.rejects(a, /cancelled/);
  assert.equal((await b).width, 1);
  assert.equal(calls, 2);
});

test('an image past the size cap is used once and not kept', async () => {
  clearWorkingImageCache();
  const f = file('huge.tif');
  // not written to, so the pages are never touched: cheap even at 128 MiB
  const huge = loader(() => ({ width: MAX_KEPT_BYTES / 12 + 1, height: 1, data: new Float32Array(MAX_KEPT_BYTES / 4 + 3) }));
  await cachedWorkingImage(f, 0, never, huge.load);
  await cachedWorkingImage(f, 0, never, huge.load);
  assert.equal(huge.calls(), 2);
  assert.equal(workingImageCacheStats().entries, 0);
});

test('a spare result buffer is lent to one job at a time and goes with its image', () => {
  const image: RgbFloat = { width: 2, height: 1, data: new Float32Array(6) };
  assert.equal(lendSpare(image), undefined, 'none before a first result');
  const result = new Float32Array(6);
  keepSpare(image, result);
  assert.equal(lendSpare(image), result);
  assert.equal(lendSpare(image), undefined, 'lent: a concurrent job gets none');
  keepSpare(image, image.data);
  keepSpare(image, new Float32Array(3));
  keepSpare(image, undefined);
  assert.equal(lendSpare(image), undefined, 'never the image itself, nor a buffer of another size');
  const other = new Float32Array(6);
  keepSpare(image, result);
  keepSpare(image, other);
  assert.equal(lendSpare(image), result, 'one spare an image: the first kept');
  assert.equal(lendSpare({ width: 2, height: 1, data: new Float32Array(6) }), undefined, 'spares are per image');
});

test('a reserved spare is lent once, and no longer touched once lent; none for an image past the size cap', async () => {
  // three slices of image/prefault.ts: touching takes several event-loop turns
  const image: RgbFloat = { width: 4000, height: 1000, data: new Float32Array(12e6) };
  reserveSpare(image);
  const spare = lendSpare(image); // before any turn has touched it
  assert.ok(spare instanceof Float32Array && spare.length === 12e6 && spare.buffer !== image.data.buffer);
  spare.fill(7);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(spare.every((v) => v === 7), "the job's result is not written over");
  assert.equal(lendSpare(image), undefined);
  reserveSpare(image);
  reserveSpare(image);
  assert.ok(lendSpare(image), 'one reservation');
  assert.equal(lendSpare(image), undefined);
  const huge: RgbFloat = { width: MAX_KEPT_BYTES / 12 + 1, height: 1, data: new Float32Array(MAX_KEPT_BYTES / 4 + 3) };
  reserveSpare(huge);
  assert.equal(lendSpare(huge), undefined);
});
