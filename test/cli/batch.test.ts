// Spawns the compiled CLI (npm test builds dist/ first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { makeBatchFolder } from '../helpers/batch-fixtures';
import { cliPath, tmpDir } from '../helpers/paths';

const env = { ...process.env, EVENLIGHT_MODEL_DIR: tmpDir('evenlight-nomodel-') };
const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env });

/** Every visible file decodes completely (sharp fails on truncated data). */
async function assertComplete(dir: string): Promise<string[]> {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name);
  for (const n of names) await sharp(join(dir, n), { failOn: 'truncated' }).raw().toBuffer();
  return names;
}

test('batch --json: event lines parse, summary lists failures with reasons, exit 1 when some failed', async () => {
  const fx = await makeBatchFolder({ count: 3 });
  const out = tmpDir();
  const r = cli(['batch', fx.dir, '-o', out, '--recursive', '--json', '--concurrency', '2', '--format', 'png']);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].type, 'start');
  assert.equal(lines[0].total, 5);
  assert.equal(lines.filter((l) => l.type === 'file').length, 5);
  const s = lines[lines.length - 1];
  assert.equal(s.type, 'summary');
  assert.deepEqual([s.done, s.failed, s.skipped], [3, 2, 0]);
  for (const f of s.failures) assert.ok(fx.bad.includes(f.input) && f.reason.startsWith(f.input), JSON.stringify(f));
  assert.deepEqual((await assertComplete(out)).sort(), ['photo0.png', 'photo1.png']);
  assert.deepEqual(await assertComplete(join(out, 'sub')), ['photo2.png']);

  const ok = cli(['batch', join(fx.dir, 'sub'), '-o', tmpDir()]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /\[1\/1\].*photo2\.jpg/);
  assert.equal(JSON.parse(ok.stdout.trim()).done, 1);
  assert.equal(cli(['batch', fx.dir, '-o', tmpDir(), '--concurrency', '0']).status, 2);
  assert.equal(cli(['batch', fx.dir, '-o', tmpDir(), '--shadow-colour', '2']).status, 2);
  assert.equal(cli(['batch', join(fx.dir, 'missing'), '-o', tmpDir()]).status, 2);
});

test('batch --shadow-colour reaches every photo: the same output as normalize with it, another than without', async () => {
  const fx = await makeBatchFolder({ count: 1, bad: false }); // its one photo is in sub/
  // the shipped model: the shadow colour is the v2 transform's
  const shipped = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, EVENLIGHT_MODEL_DIR: '' } });
  const [coloured, plain, single] = [tmpDir(), tmpDir(), join(tmpDir(), 'single.png')];
  for (const [out, extra] of [[coloured, ['--shadow-colour', '1']], [plain, []]] as const) {
    const r = shipped(['batch', join(fx.dir, 'sub'), '-o', out, '--mode', 'ai', '--format', 'png', ...extra]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning/, 'the model ran');
  }
  const n = shipped(['normalize', fx.good[0], '-o', single, '--mode', 'ai', '--shadow-colour', '1']);
  assert.equal(n.status, 0, n.stderr);
  const name = basename(fx.good[0], extname(fx.good[0])) + '.png';
  const pixels = (p: string) => sharp(p).raw().toBuffer();
  assert.ok((await pixels(join(coloured, name))).equals(await pixels(single)));
  assert.ok(!(await pixels(join(coloured, name))).equals(await pixels(join(plain, name))), 'an under-exposed photo keeps more colour at 1');
});

test('a batch killed midway leaves only complete outputs and resumes with --skip-existing', async () => {
  const total = 14;
  const fx = await makeBatchFolder({ count: total, side: 768, bad: false });
  const inputs = readdirSync(fx.dir).filter((n) => n.endsWith('.jpg') || n.endsWith('.png'));
  assert.equal(inputs.length, total - 1); // one lives in sub/ (not recursive below)
  const out = tmpDir();
  const child = spawn(process.execPath, [cliPath, 'batch', fx.dir, '-o', out, '--json'], { env });
  let seen = 0;
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      seen = buf.split('\n').filter((l) => l.includes('"type":"file"')).length;
      if (seen >= 3 && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  assert.ok(seen >= 3 && seen < total - 1, `killed after ${seen} files`);
  const before = await assertComplete(out);
  assert.ok(before.length >= 3 && before.length < total - 1, `${before.length} outputs before resume`);

  const r = cli(['batch', fx.dir, '-o', out, '--skip-existing', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(s.skipped, before.length);
  assert.equal(s.done, total - 1 - before.length);
  assert.equal(s.failed, 0);
  const after = await assertComplete(out);
  assert.equal(after.length, total - 1);
  assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.')), [], 'stale temp files of the killed run were removed');
});

test('batch --help says that links are followed', () => {
  const r = cli(['batch', '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Symbolic links to photos are followed/);
});
