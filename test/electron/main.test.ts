// The Electron shell cannot run here (no display, no Electron binary in CI), so what it
// hands to Electron is checked in its source: the calls that would launch programs or
// open URLs must not be there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';

const main = readFileSync(join(repoRoot, 'electron', 'main.ts'), 'utf8');

test('reveal uses shell.showItemInFolder; nothing launches files or URLs', () => {
  assert.match(main, /shell\.showItemInFolder\(/);
  assert.doesNotMatch(main, /shell\.(openPath|openExternal)\(/);
});

test('openFolder with a path is tied to drops announced by our own frame', () => {
  assert.match(main, /takeDropped:/);
  assert.match(main, /ipcMain\.on\(channels\.dropped/);
});

test('permission requests and permission checks are both denied', () => {
  assert.match(main, /setPermissionRequestHandler\(\(_wc, _permission, callback\) => callback\(false\)\)/);
  assert.match(main, /setPermissionCheckHandler\(\(\) => false\)/);
});

test('the window loads the renderer from app://, never file://', () => {
  assert.match(main, /registerSchemesAsPrivileged\(\[\{ scheme: APP_SCHEME/);
  assert.match(main, /protocol\.handle\(APP_SCHEME/);
  assert.match(main, /loadURL\(`\$\{APP_ORIGIN\}\/index\.html`\)/);
  assert.doesNotMatch(main, /loadFile\(|loadURL\(['"`]file:/);
});
