// build/electron-builder.config.cjs: validated against electron-builder's own schema and
// checked for what the app needs at run time; a real `--dir` package is built only when an
// unpacked Electron is available offline (otherwise skipped, with the reason).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../helpers/paths';
import { writeSyntheticDng } from '../fixtures/dng';
import { SIMD_KERNELS } from '../../electron/engine/normalize/simd';

const configPath = join(repoRoot, 'build', 'electron-builder.config.cjs');
type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const load = (): Config => {
  delete require.cache[require.resolve(configPath)];
  return require(configPath) as Config;
};

test('config passes electron-builder schema validation', async () => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration: (c: Config, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(load(), new DebugLogger(false));
  // and the check can fail: an unknown key is refused
  await assert.rejects(validateConfiguration({ ...load(), notAnOption: 1 }, new DebugLogger(false)));
});

test('targets Linux dir/AppImage/deb, Windows nsis and macOS dmg', () => {
  const c = load();
  assert.deepEqual(c.linux.target, ['dir', 'AppImage', 'deb']);
  assert.equal(c.win.target[0].target, 'nsis');
  assert.equal(c.mac.target[0].target, 'dmg');
});

test('native modules are unpacked from the asar; dcraw binaries and models ship as resources', () => {
  const c = load();
  for (const mod of ['sharp', '@img', 'onnxruntime-node', 'libraw-wasm']) {
    assert.ok((c.asarUnpack as string[]).some((g) => g.startsWith(`node_modules/${mod}/`)), `${mod} unpacked`);
  }
  // the SIMD kernels are read by worker threads from plain files (engine/normalize/simd.ts)
  assert.ok(c.files.includes('dist/wasm/*.wasm') && (c.asarUnpack as string[]).includes('dist/wasm/*.wasm'), 'dist/wasm packaged, unpacked');
  // the .deb installs without a native RAW decoder and keeps electron-builder's default depends
  assert.equal(c.deb.depends, undefined);
  assert.ok((c.deb.recommends as string[]).includes('libraw-bin | dcraw'));
  const res = (c.extraResources as { from: string; to: string }[]).map((r) => r.from);
  assert.deepEqual(res.sort(), ['models', 'native-bin']);
});

test('packaged files include the compiled main, preload and renderer named in package.json', () => {
  const c = load();
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main: string };
  assert.equal(pkg.main, 'dist/electron/main.js');
  assert.ok(c.files.includes('dist/electron/**/*.js'));
  assert.ok(c.files.includes('dist/renderer/**/*'));
});

test('electronDist comes from EVENLIGHT_ELECTRON_DIST / ELECTRON_OVERRIDE_DIST_PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evenlight-edist-'));
  const saved = process.env.EVENLIGHT_ELECTRON_DIST;
  try {
    process.env.EVENLIGHT_ELECTRON_DIST = dir;
    assert.equal(load().electronDist, dir);
    process.env.EVENLIGHT_ELECTRON_DIST = join(dir, 'missing');
    assert.equal(load().electronDist, undefined, 'a folder that does not exist is not passed on');
  } finally {
    if (saved === undefined) delete process.env.EVENLIGHT_ELECTRON_DIST;
    else process.env.EVENLIGHT_ELECTRON_DIST = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

const built = existsSync(join(repoRoot, 'dist', 'electron', 'main.js')) && existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'));

function packageDir(dist: string, opts: { fuses?: boolean } = {}): { out: string; resources: string } {
  const out = mkdtempSync(join(tmpdir(), 'evenlight-pkg-'));
  let config = configPath;
  if (opts.fuses === false) {
    // a stand-in Electron is no Electron binary: there are no fuses in it to flip
    config = join(out, 'no-fuses.config.cjs');
    writeFileSync(config, `module.exports = { ...require(${JSON.stringify(configPath)}), electronFuses: null };\n`);
  }
  const r = spawnSync(
    process.execPath,
    [require.resolve('electron-builder/cli.js'), '--config', config, '--dir', '--linux', `-c.directories.output=${out}`],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, EVENLIGHT_ELECTRON_DIST: dist, ELECTRON_BUILDER_OFFLINE: 'true' } },
  );
  assert.equal(r.status, 0, (r.stderr || r.stdout).slice(-2000));
  return { out, resources: join(out, 'linux-unpacked', 'resources') };
}

function checkLayout(resources: string): void {
  const { listPackage } = require('@electron/asar') as { listPackage: (p: string) => string[] };
  const inAsar = listPackage(join(resources, 'app.asar'));
  for (const f of ['/dist/electron/main.js', '/dist/electron/preload.js', '/dist/renderer/index.html', '/package.json']) assert.ok(inAsar.includes(f), `${f} in app.asar`);
  assert.ok(!inAsar.some((f) => f.startsWith('/test/') || f.startsWith('/electron/')), 'no sources or tests in the package');
  for (const m of ['sharp', 'onnxruntime-node', '@img', 'libraw-wasm']) assert.ok(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', m)), `${m} unpacked`);
  for (const k of SIMD_KERNELS) assert.ok(existsSync(join(resources, 'app.asar.unpacked', 'dist', 'wasm', `${k}.wasm`)), `${k}.wasm unpacked`);
  assert.ok(existsSync(join(resources, 'native-bin')), 'native-bin shipped as a resource');
}

/**
 * The packaged engine decodes a DNG with nothing in native-bin/ and no decoder on PATH: the
 * asar's files (with the unpacked ones) are laid out as the app sees them and run by node.
 */
function checkPackagedRawDecode(resources: string): void {
  const { extractAll } = require('@electron/asar') as { extractAll: (archive: string, dest: string) => void };
  const app = mkdtempSync(join(tmpdir(), 'evenlight-pkg-app-'));
  try {
    extractAll(join(resources, 'app.asar'), app);
    const nativeBin = join(resources, 'native-bin');
    assert.ok(!readdirSync(nativeBin).some((f) => /dcraw/.test(f)), 'nothing in native-bin');
    const dng = join(app, 'probe.dng');
    writeSyntheticDng(dng, { width: 96, height: 64 }); // the fixture writer is no part of the package
    const script = `
      const { readImage } = require('./dist/electron/engine/index.js');
      readImage(${JSON.stringify(dng)}).then(({ image, meta }) => console.log(JSON.stringify({ w: image.width, h: image.height, decoder: meta.raw.decoder })));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { ...process.env, PATH: nativeBin, EVENLIGHT_NATIVE_BIN: nativeBin } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { w: 96, h: 64, decoder: 'libraw-wasm' });
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

// Packaging itself (asar, unpacking, resources) checked offline with a stand-in Electron
// folder: electron-builder only copies that folder, so its contents do not matter here.
test('electron-builder --dir lays out the package (stand-in Electron folder)', { skip: built ? false : 'not built (npm run build)', timeout: 300_000 }, () => {
  const fake = mkdtempSync(join(tmpdir(), 'evenlight-fake-electron-'));
  writeFileSync(join(fake, 'electron'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(fake, 'version'), 'v0.0.0');
  mkdirSync(join(fake, 'resources'));
  const { out, resources } = packageDir(fake, { fuses: false });
  try {
    checkLayout(resources);
    checkPackagedRawDecode(resources);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(fake, { recursive: true, force: true });
  }
});

const electronDist = process.env.EVENLIGHT_ELECTRON_DIST ?? process.env.ELECTRON_OVERRIDE_DIST_PATH;
const skipPackage = !electronDist
  ? 'no unpacked Electron available offline (set EVENLIGHT_ELECTRON_DIST or ELECTRON_OVERRIDE_DIST_PATH)'
  : !built
    ? 'not built (npm run build)'
    : false;

test('electron-builder --dir packages the app with a real Electron, its fuses flipped', { skip: skipPackage, timeout: 600_000 }, async () => {
  const { out, resources } = packageDir(electronDist!);
  try {
    checkLayout(resources);
    // the fuses were flipped in the packaged binary itself
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    const { FuseState } = require('@electron/fuses/dist/constants') as typeof import('@electron/fuses/dist/constants');
    const wire = await getCurrentFuseWire(join(out, 'linux-unpacked', 'evenlight'));
    assert.equal(wire[FuseV1Options.RunAsNode], FuseState.DISABLE);
    assert.equal(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable], FuseState.DISABLE);
    assert.equal(wire[FuseV1Options.EnableNodeCliInspectArguments], FuseState.DISABLE);
    assert.equal(wire[FuseV1Options.OnlyLoadAppFromAsar], FuseState.ENABLE);
    assert.equal(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], FuseState.ENABLE);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('Electron fuses: no RunAsNode, no --inspect or NODE_OPTIONS, only the integrity-checked app.asar', () => {
  const f = load().electronFuses as Record<string, boolean>;
  assert.ok(f, 'electronFuses is set');
  assert.equal(f.runAsNode, false);
  assert.equal(f.enableNodeCliInspectArguments, false);
  assert.equal(f.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(f.onlyLoadAppFromAsar, true);
  assert.equal(f.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(f.grantFileProtocolExtraPrivileges, false);
  assert.equal(load().asar, true, 'the integrity check and OnlyLoadAppFromAsar need an asar');
});
