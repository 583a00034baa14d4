// Engine jobs are admitted by estimated memory (pixels from the file headers × bytes per
// pixel × copies) against a budget: a job that fits later waits, one that never fits is
// refused at once with a clear error instead of meeting the OOM killer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { createMemoryGate, estimateJobBytes, memoryBudgetBytes } from '../../electron/jobs/memory-budget';
import { createRouter } from '../../electron/ipc/router';
import { tmpDir } from '../helpers/paths';

/** A small PNG that declares width × height (an IHDR and a few compressed rows). */
function bombPng(path: string, width: number, height: number): void {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const t = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    t.copy(out, 4);
    out.writeUInt32BE(crc(t), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  writeFileSync(path, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))), chunk('IEND', Buffer.alloc(0))]));
}

test('the budget comes from the machine (or EVENLIGHT_MEMORY_BUDGET_MB)', () => {
  assert.ok(memoryBudgetBytes() > 100 * 1024 * 1024);
  const prev = process.env.EVENLIGHT_MEMORY_BUDGET_MB;
  process.env.EVENLIGHT_MEMORY_BUDGET_MB = '300';
  try {
    assert.equal(memoryBudgetBytes(), 300 * 1024 * 1024);
  } finally {
    if (prev === undefined) delete process.env.EVENLIGHT_MEMORY_BUDGET_MB;
    else process.env.EVENLIGHT_MEMORY_BUDGET_MB = prev;
  }
});

test('estimates follow the declared pixels, not the file size', async () => {
  const dir = tmpDir('evenlight-mem-');
  const bomb = join(dir, 'bomb.png');
  bombPng(bomb, 8000, 8000);
  const normalize = await estimateJobBytes({ kind: 'normalize', jobId: 'j', path: bomb, maxSide: 2048, mode: 'classic', strength: 1, shadowColour: 0, rois: [] });
  assert.ok(normalize >= 8000 * 8000 * 12, `${normalize}`);
  const compare = await estimateJobBytes({ kind: 'compare', jobId: 'c', frames: Array(16).fill(bomb), aiFrame: bomb, maxSide: 1024 });
  assert.ok(compare >= 8000 * 8000 * 12, 'the full-size decode of a frame is counted');
  assert.ok(compare < 2 * 8000 * 8000 * 12, 'the frames are kept at the working size, not at full size');
});

test('the gate queues what fits later, refuses what never fits, and lets a queued job be cancelled', async () => {
  const gate = createMemoryGate(() => 100, 10);
  const a = await gate.admit(60, 'a');
  let bStarted = false;
  const b = gate.admit(60, 'b').then((release) => {
    bStarted = true;
    return release;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(bStarted, false, 'b waits while a holds the memory');
  await assert.rejects(gate.admit(150, '/photos/huge.png'), /huge\.png: needs about .* more than Evenlight's budget/);
  const ctl = new AbortController();
  const c = gate.admit(60, 'c', ctl.signal);
  ctl.abort();
  await assert.rejects(c, /cancelled/);
  a();
  (await b)();
  assert.equal(bStarted, true);
  assert.deepEqual({ ...gate.stats(), budget: 0 }, { inUse: 0, running: 0, waiting: 0, budget: 0 });
});

test('the gate caps how many jobs run at once', async () => {
  const gate = createMemoryGate(() => 1e12, 2);
  const r1 = await gate.admit(1, 'x');
  await gate.admit(1, 'y');
  let third = false;
  void gate.admit(1, 'z').then(() => (third = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(third, false);
  r1();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(third, true);
});

test('a 64 MP PNG bomb is refused before it is decoded, with a clear error; a small photo still works', async () => {
  const prev = process.env.EVENLIGHT_MEMORY_BUDGET_MB;
  process.env.EVENLIGHT_MEMORY_BUDGET_MB = '512';
  const dir = tmpDir('evenlight-mem-');
  mkdirSync(join(dir, 'photos'));
  bombPng(join(dir, 'photos', 'bomb.png'), 8000, 8000);
  await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toFile(join(dir, 'photos', 'small.png'));
  try {
    const r = createRouter({ kind: 'bridge', version: 't', emit: () => undefined, sendTile: () => undefined });
    await r.call('openFolder', { path: join(dir, 'photos') });
    const t0 = Date.now();
    const res = await r.call('normalize', { jobId: 'n1', path: join(dir, 'photos', 'bomb.png'), mode: 'classic', maxSide: 2048 });
    assert.ok(!res.ok && /bomb\.png: needs about [\d.]+ GB of memory/.test(res.error.message), JSON.stringify(res));
    assert.ok(Date.now() - t0 < 5000, 'refused without decoding');
    const cmp = await r.call('compareFusion', { jobId: 'c1', frames: Array.from({ length: 3 }, () => join(dir, 'photos', 'bomb.png')) });
    assert.ok(!cmp.ok && /needs about/.test(cmp.error.message));
    const small = await r.call('thumbnail', { path: join(dir, 'photos', 'small.png'), maxSide: 32 });
    assert.ok(small.ok, JSON.stringify(small));
  } finally {
    if (prev === undefined) delete process.env.EVENLIGHT_MEMORY_BUDGET_MB;
    else process.env.EVENLIGHT_MEMORY_BUDGET_MB = prev;
  }
});
