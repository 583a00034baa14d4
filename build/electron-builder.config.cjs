// electron-builder configuration (Linux dir/AppImage/deb, Windows nsis, macOS dmg).
// Native modules (sharp + its @img libvips packages, onnxruntime-node) must live outside the
// asar archive to be loadable; the optional dcraw binaries (native-bin/) and the ONNX models
// (models/) ship as plain resources next to it. RAW needs no native-bin: libraw-wasm decodes. Offline builds: point ELECTRON_OVERRIDE_DIST_PATH or
// EVENLIGHT_ELECTRON_DIST at an unpacked Electron folder and nothing is downloaded.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const electronDist = process.env.EVENLIGHT_ELECTRON_DIST || process.env.ELECTRON_OVERRIDE_DIST_PATH || undefined;
const root = path.resolve(__dirname, '..');
const electronVersion = require(path.join(root, 'node_modules', 'electron', 'package.json')).version;

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.evenlight.app',
  productName: 'Evenlight',
  copyright: 'Copyright © Evenlight contributors',
  directories: { output: 'release', buildResources: 'build' },
  electronVersion,
  ...(electronDist && existsSync(electronDist) ? { electronDist } : {}),
  // the app is compiled JS in dist/ plus runtime dependencies; sources and tests stay out
  files: [
    'dist/electron/**/*.js',
    'dist/renderer/**/*',
    'dist/wasm/*.wasm',
    'package.json',
    '!dist/**/*.map',
    '!**/*.ts',
    '!test/**',
    '!bench/**',
    '!models/training/**',
  ],
  asar: true,
  // Electron fuses, flipped in the packaged binary by @electron/fuses (electron-builder's
  // electronFuses): the app binary cannot be reused as a plain Node (RunAsNode), debugged
  // or fed code through --inspect / NODE_OPTIONS, and loads only its own, integrity-checked
  // app.asar.
  electronFuses: {
    runAsNode: false,
    enableNodeCliInspectArguments: false,
    enableNodeOptionsEnvironmentVariable: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    enableCookieEncryption: true,
    // the renderer is served from app://, so file:// pages need no extra privileges
    grantFileProtocolExtraPrivileges: false,
  },
  // libraw-wasm (its ES module and .wasm) and Evenlight's own curve kernel are loaded by worker
  // threads, from plain files
  asarUnpack: ['node_modules/sharp/**/*', 'node_modules/@img/**/*', 'node_modules/onnxruntime-node/**/*', 'node_modules/libraw-wasm/**/*', 'dist/wasm/*.wasm'],
  extraResources: [
    { from: 'native-bin', to: 'native-bin', filter: ['**/*', '!fill.sh'] },
    { from: 'models', to: 'models', filter: ['**/*', '!training/**', '!checkpoints/**'] },
  ],
  // no native rebuild: sharp and onnxruntime-node ship prebuilt N-API binaries
  npmRebuild: false,
  nodeGypRebuild: false,
  linux: {
    target: ['dir', 'AppImage', 'deb'],
    category: 'Graphics',
    synopsis: 'Evens out under- and over-exposed photos',
    maintainer: 'Evenlight contributors <evenlight@example.org>',
  },
  // RAW decodes without it (LibRaw in WebAssembly); dcraw_emu, when there, is faster.
  // electron-builder's default depends stay as they are.
  deb: { recommends: ['libraw-bin | dcraw', 'libappindicator3-1'] },
  win: { target: [{ target: 'nsis', arch: ['x64'] }] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
  mac: { target: [{ target: 'dmg', arch: ['x64', 'arm64'] }], category: 'public.app-category.photography', hardenedRuntime: true },
  dmg: { title: 'Evenlight ${version}' },
  publish: null,
};
