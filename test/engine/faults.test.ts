// Faults the engine must survive without losing or corrupting anything: a full disk in the
// middle of a batch (a small tmpfs when the test may mount one, otherwise ENOSPC injected
// at the fs layer), and an export that crashed and left its temp file. The hanging and the
// dying decoder are in raw/child-guard.test.ts; SIGKILL mid-batch then --skip-existing in
// cli/batch.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runBatch } from '../../electron/engine/batch';
import { createRouter } from '../../electron/ipc/router';
import { makeBatchFolder } from '../helpers/batch-fixtures';
import { tmpDir } from '../helpers/paths';

const noModel = tmpDir('evenlight-nomodel-');
const mounted: string[] = [];
after(() => {
  for (const m of mounted) spawnSync('umount', [m]);
});

/** A folder on a tmpfs of `bytes`, or null where mounting is not allowed. */
function smallDisk(bytes: number): string | null {
  if (process.platform !== 'linux') return null;
  const dir = tmpDir('evenlight-full-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  mounted.push(dir);
  return dir;
}

/** Makes every FileHandle.writeFile after the first `okWrites` fail with ENOSPC. */
async function injectEnospc(okWrites: number): Promise<() => void> {
  const probe = tmpDir('evenlight-probe-');
  const fh = await open(join(probe, 'x'), 'w');
  const proto = Object.getPrototypeOf(fh) as { writeFile: (...a: unknown[]) => Promise<void> };
  await fh.close();
  const original = proto.writeFile;
  let n = 0;
  proto.writeFile = function (this: unknown, ...args: unknown[]) {
    if (n++ < okWrites) return original.apply(this, args);
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }));
  };
  return () => {
    proto.writeFile = original;
  };
}

test('disk full mid-batch: the batch stops at once with one line naming the file; written outputs are whole, no temp files', async () => {
  const fx = await makeBatchFolder({ count: 8, bad: false, side: 200 });
  let out = smallDisk(48 * 1024);
  let restore = () => undefined as void;
  if (!out) {
    out = tmpDir('evenlight-full-');
    restore = await injectEnospc(2);
  }
  const started: string[] = [];
  let summary;
  try {
    summary = await runBatch(fx.dir, out, { recursive: true, format: 'png', mode: 'classic', modelDir: noModel, onEvent: (e) => e.type === 'file' && started.push(e.result.input) });
  } finally {
    restore();
  }
  assert.ok(summary.stopped, `the batch went on: ${JSON.stringify(summary.results.map((r) => r.reason ?? r.status))}`);
  assert.match(summary.stopped, /no space left on device/);
  assert.doesNotMatch(summary.stopped, /\n/);
  assert.equal(summary.failed, 1, 'only the file that hit the full disk failed');
  assert.ok(summary.notStarted >= 1, 'the remaining photos were not decoded');
  const failed = summary.results.find((r) => r.status === 'failed')!;
  assert.ok(summary.stopped.includes(failed.output) || summary.stopped.includes(failed.input), `names the file: ${summary.stopped}`);
  const left = readdirSync(out, { recursive: true }) as string[];
  assert.deepEqual(left.filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
  for (const r of summary.results.filter((x) => x.status === 'done')) await sharp(r.output, { failOn: 'truncated' }).raw().toBuffer();
});

test('an export after one that crashed removes the stale temp file it left', async () => {
  const dir = tmpDir('evenlight-stale-');
  try {
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 40, b: 40 } } }).png().toFile(join(dir, 'a.png'));
    mkdirSync(join(dir, 'evenlight'));
    // named like atomic-write's temps, by a process id that cannot be alive
    const stale = join(dir, 'evenlight', '.a.jpg.4194999.0badf00d.tmp');
    writeFileSync(stale, 'half a jpeg');
    const r = createRouter({ kind: 'bridge', version: 't', emit: () => undefined, sendTile: () => undefined });
    await r.call('openFolder', { path: dir });
    const res = await r.call('exportPhoto', { path: join(dir, 'a.png'), mode: 'classic' });
    assert.ok(res.ok, JSON.stringify(res));
    assert.deepEqual(readdirSync(join(dir, 'evenlight')), ['a.jpg']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
