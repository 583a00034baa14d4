#!/usr/bin/env node
'use strict';
// Launches the desktop app. Resolves the Electron binary here instead of require('electron'),
// whose first call tries to download the binary (impossible offline) and throws a stack trace.
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const exeName = { win32: 'electron.exe', darwin: 'Electron.app/Contents/MacOS/Electron' }[process.platform] || 'electron';

function electronBinary() {
  const candidates = [];
  for (const env of ['ELECTRON_OVERRIDE_DIST_PATH', 'EVENLIGHT_ELECTRON_DIST']) {
    if (process.env[env]) candidates.push(path.join(process.env[env], exeName));
  }
  try {
    const pkgDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
    const pathFile = path.join(pkgDir, 'path.txt');
    const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : exeName;
    candidates.push(path.join(pkgDir, 'dist', rel));
  } catch {
    // electron package not installed: only the env variables can help
  }
  return { found: candidates.find((p) => existsSync(p)), tried: candidates };
}

if (!existsSync(path.join(root, 'dist', 'electron', 'main.js')) || !existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  console.error('evenlight-app: not built yet; run `npm run build` first');
  process.exit(1);
}
const { found, tried } = electronBinary();
if (!found) {
  console.error(
    `evenlight-app: no Electron binary found (looked at ${tried.join(', ') || 'nothing'}); set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron folder, or use \`evenlight serve\` to run the app in a browser`,
  );
  process.exit(1);
}
const child = spawn(found, [root, ...process.argv.slice(2)], { stdio: 'inherit', windowsHide: false });
child.on('error', (err) => {
  console.error(`evenlight-app: cannot start ${found}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
