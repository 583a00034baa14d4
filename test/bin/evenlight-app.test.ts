// bin/evenlight-app.js: finds the Electron binary without require('electron') (which would
// try to download it), honours ELECTRON_OVERRIDE_DIST_PATH, and fails in one line offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';

const launcher = join(repoRoot, 'bin', 'evenlight-app.js');
const built = existsSync(join(repoRoot, 'dist', 'electron', 'main.js')) && existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'));
const electronInstalled = existsSync(join(repoRoot, 'node_modules', 'electron', 'dist'));

test('without an Electron binary: exit 1 and one clear line, no stack trace', { skip: !built ? 'not built (npm run build)' : electronInstalled ? 'an Electron binary is installed here' : false }, () => {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(tmpdir(), 'no-such-electron-dist') };
  delete env.EVENLIGHT_ELECTRON_DIST;
  const r = spawnSync(process.execPath, [launcher], { encoding: 'utf8', env });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^evenlight-app: no Electron binary found .*ELECTRON_OVERRIDE_DIST_PATH/);
});

test('starts the binary from ELECTRON_OVERRIDE_DIST_PATH with the app folder and passes the exit code', { skip: !built ? 'not built (npm run build)' : process.platform !== 'linux' ? 'shell stand-in is Linux-only' : false }, () => {
  const dist = mkdtempSync(join(tmpdir(), 'evenlight-fake-electron-'));
  const log = join(dist, 'args.txt');
  // a stand-in binary that records its arguments: we test the launcher, not Electron
  writeFileSync(join(dist, 'electron'), `#!/bin/sh\necho "$@" > ${JSON.stringify(log)}\nexit 7\n`, { mode: 0o755 });
  try {
    const r = spawnSync(process.execPath, [launcher, '--flag'], { encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist } });
    assert.equal(r.status, 7, r.stderr);
    const args = readFileSync(log, 'utf8').trim();
    assert.equal(args, `${repoRoot} --flag`);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
