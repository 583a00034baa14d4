// test/preflight.mjs, the first step of `npm test`: run for real, as root and as an
// unprivileged user, with one package that no machine has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tmpDir } from './helpers/paths';

const script = join(repoRoot, 'test', 'preflight.mjs');
const ABSENT = 'evenlight-absent-pkg:evenlight-absent-tool';
const asRoot = process.getuid?.() === 0;
const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p));

interface Preflight {
  REQUIREMENTS: { pkg: string }[];
  missingPackages(reqs?: unknown[]): string[];
  plan(missing: string[], o: { root: boolean; debian: boolean }): { action: string; command?: string; message?: string };
}
const load = async (): Promise<Preflight> => (await import(script)) as Preflight;

test('every package the suite needs is listed, and on this machine all are there', async () => {
  const { REQUIREMENTS, missingPackages } = await load();
  const pkgs = REQUIREMENTS.map((r) => r.pkg).sort();
  assert.deepEqual(pkgs, ['chromium', 'dcraw', 'enfuse', 'libraw-bin', 'python3-matplotlib', 'python3-onnx', 'python3-opencv', 'python3-torch', 'rawtherapee']);
  assert.deepEqual(missingPackages(), []);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout + r.stderr, '');
});

test('plan: install as root on Debian, otherwise stop naming the packages and the command', async () => {
  const { plan } = await load();
  assert.deepEqual(plan([], { root: false, debian: false }), { action: 'ok' });
  assert.deepEqual(plan(['dcraw', 'chromium'], { root: true, debian: true }), { action: 'install', command: 'apt-get install -y dcraw chromium' });
  const notDebian = plan(['dcraw'], { root: true, debian: false });
  assert.equal(notDebian.action, 'stop');
  assert.match(notDebian.message!, /missing Debian package\(s\): dcraw\n.*not a Debian system/);
  assert.match(notDebian.message!, /sudo apt-get update && sudo apt-get install -y dcraw$/m);
});

test('npm test as a non-root user stops before building, naming the missing package and the command', { skip: asRoot && runuser ? false : 'needs root to run as nobody' }, () => {
  const cache = tmpDir('evenlight-npm-cache-');
  spawnSync('chmod', ['777', cache]);
  const r = spawnSync(runuser!, ['-u', 'nobody', '--', 'env', `EVENLIGHT_PREFLIGHT_EXTRA=${ABSENT}`, `npm_config_cache=${cache}`, 'npm', 'test'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const out = r.stdout + r.stderr;
  assert.notEqual(r.status, 0, out);
  assert.match(out, /missing Debian package\(s\): evenlight-absent-pkg\n/);
  assert.match(out, /install them with: sudo apt-get update && sudo apt-get install -y evenlight-absent-pkg\n/);
  // nothing after the preflight ran: no build, no typecheck, no tests
  assert.doesNotMatch(out, /> evenlight@[\d.]+ (build|typecheck|lint)|> tsc |vite v|✔|✖/);
  assert.ok(out.split('\n').filter(Boolean).length < 15, out);
});

test('.ci/run runs exactly npm ci then npm test, and npm test starts with the preflight', () => {
  const ci = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !/^(set |cd )/.test(l));
  assert.deepEqual(ci, ['npm ci', 'npm test']);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.test, /^node test\/preflight\.mjs && /);
});
