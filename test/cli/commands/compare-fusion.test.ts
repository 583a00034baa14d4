import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, tmpDir } from '../../helpers/paths';
import { writeSmallBracket } from '../../helpers/bracket-files';

function cli(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('evenlight compare-fusion: no model -> ai fails clearly (exit 1), classic and fusion still written', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  const out = join(dir, 'cmp');
  const r = cli({ EVENLIGHT_MODEL_DIR: tmpDir('evenlight-nomodel-') }, 'compare-fusion', ...files, '-o', out);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /compare-fusion: ai: /);
  assert.match(r.stdout, /classic: PSNR \d+\.\d\d dB, SSIM 0\.\d{4}/);
  for (const f of ['fusion.png', 'frame.png', 'classic.png', 'diff-classic.png', 'side-by-side.png', 'metrics.json']) assert.ok(existsSync(join(out, f)), f);
  assert.ok(!existsSync(join(out, 'ai.png')));
});

test('evenlight compare-fusion usage errors exit 2', async () => {
  const dir = tmpDir();
  const { files } = await writeSmallBracket(dir);
  assert.equal(cli({}, 'compare-fusion', ...files, '-o', join(dir, 'o'), '--frame', '7').status, 2);
  assert.equal(cli({}, 'compare-fusion', files[0], '-o', join(dir, 'o')).status, 2);
  assert.equal(cli({}, 'compare-fusion', ...files).status, 2);
});
