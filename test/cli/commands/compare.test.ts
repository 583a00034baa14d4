import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { cliPath, tmpDir } from '../../helpers/paths';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

async function png(path: string, w: number, h: number, f: (x: number, y: number, c: number) => number): Promise<void> {
  const buf = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) buf[(y * w + x) * 3 + c] = f(x, y, c);
  await sharp(buf, { raw: { width: w, height: h, channels: 3 } }).png().toFile(path);
}

test('evenlight compare prints PSNR/SSIM; identical files are inf / 1', async () => {
  const dir = tmpDir();
  const a = join(dir, 'a.png'), b = join(dir, 'b.png'), c = join(dir, 'c.png');
  const fa = (x: number, y: number, ch: number) => (x * 5 + y * 3 + ch * 40) % 256;
  const fb = (x: number, y: number, ch: number) => Math.min(255, fa(x, y, ch) + 4);
  await png(a, 48, 32, fa);
  await png(b, 48, 32, fb);
  let se = 0;
  for (let y = 0; y < 32; y++) for (let x = 0; x < 48; x++) for (let ch = 0; ch < 3; ch++) se += (fa(x, y, ch) - fb(x, y, ch)) ** 2;
  const expectedPsnr = 10 * Math.log10(255 ** 2 / (se / (48 * 32 * 3)));
  await png(c, 48, 33, () => 0);

  const same = cli('compare', a, a, '--json');
  assert.equal(same.status, 0, same.stderr);
  const sj = JSON.parse(same.stdout) as { psnr: number | null; ssim: number; identical: boolean };
  assert.equal(sj.psnr, null);
  assert.equal(sj.identical, true);
  assert.equal(sj.ssim, 1);

  const diff = cli('compare', a, b, '--json');
  assert.equal(diff.status, 0, diff.stderr);
  const dj = JSON.parse(diff.stdout) as { psnr: number; ssim: number };
  assert.ok(Math.abs(dj.psnr - expectedPsnr) < 1e-6, String(dj.psnr));
  assert.ok(dj.ssim > 0.9 && dj.ssim < 1);

  const human = cli('compare', a, b);
  assert.match(human.stdout, /^PSNR: \d+\.\d\d dB\nSSIM: 0\.\d{4}\n$/);

  const bad = cli('compare', a, c);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /c\.png: size 48x33 differs from .*a\.png \(48x32\)/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);

  const missing = cli('compare', a, join(dir, 'nope.png'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.png/);

  assert.equal(cli('compare', a).status, 2);
});
