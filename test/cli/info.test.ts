import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { makeTestModel } from '../helpers/onnx-models';
import { cliPath, tmpDir } from '../helpers/paths';
import { SIMD_KERNELS } from '../../electron/engine/normalize/simd';

test('info --json reports version, provider, decoder and model status', () => {
  const none = spawnSync(process.execPath, [cliPath, 'info', '--json'], { encoding: 'utf8', env: { ...process.env, EVENLIGHT_MODEL_DIR: tmpDir() } });
  assert.equal(none.status, 0, none.stderr);
  const a = JSON.parse(none.stdout);
  assert.match(a.version, /^\d+\.\d+\.\d+/);
  // cpu here, cuda on a machine with its provider library: either way with a reason
  assert.ok(['cpu', 'cuda'].includes(a.executionProvider.chosen), a.executionProvider.chosen);
  assert.ok(a.executionProvider.reason.length > 5, a.executionProvider.reason);
  assert.equal(a.model.loaded, false);
  assert.equal(a.defaultMode, 'classic');
  // a RAW decoder always runs (LibRaw WebAssembly comes with npm ci), and info says why that one
  assert.ok(typeof a.decoder.path === 'string');
  assert.ok(['dcraw_emu', 'dcraw', 'libraw-wasm'].includes(a.decoder.name));
  assert.ok(a.decoder.reason.length > 10, a.decoder.reason);
  // the built CLI carries its SIMD kernels (npm run build)
  assert.deepEqual(a.simd, { loaded: [...SIMD_KERNELS], missing: [] });

  // EVENLIGHT_EP=cpu: the same answer with or without CUDA installed
  const withModel = spawnSync(process.execPath, [cliPath, 'info', '--json'], { encoding: 'utf8', env: { ...process.env, EVENLIGHT_MODEL_DIR: makeTestModel(), EVENLIGHT_EP: 'cpu' } });
  const b = JSON.parse(withModel.stdout);
  assert.equal(b.model.loaded, true);
  assert.equal(b.model.name, 'evenlight-test');
  assert.equal(b.executionProvider.used, 'cpu');
  assert.equal(b.defaultMode, 'ai');

  const text = spawnSync(process.execPath, [cliPath, 'info'], { encoding: 'utf8' });
  assert.equal(text.status, 0);
  assert.match(text.stdout, /execution provider: /);
  assert.match(text.stdout, /raw decoder: \S+ .* \((native-bin|PATH|npm); .+\)\n/);
  assert.match(text.stdout, /pixel kernels: WebAssembly SIMD for 8-bit photos\n/);
});
