// raw/decoder.ts: which decoder runs, and why (what `evenlight info` prints).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chooseRawDecoder, decodeRawFile, rawDecoderInfo } from '../../../electron/engine/raw/decoder';
import { resolveDecoder } from '../../../electron/engine/raw/dcraw';
import { tmpDir } from '../../helpers/paths';
import { writeSyntheticDng } from '../../fixtures/dng';

const dir = tmpDir('evenlight-decoder-');
after(() => rmSync(dir, { recursive: true, force: true }));
const empty = join(dir, 'empty');
mkdirSync(empty);

test('a native decoder, when there is one, runs by default: it is the faster', () => {
  const native = resolveDecoder();
  assert.ok(native, 'dcraw_emu or dcraw must be installed here');
  const c = chooseRawDecoder({ prefer: '' });
  assert.equal(c.kind, 'native');
  assert.equal(c.kind === 'native' && c.decoder.path, native.path);
  assert.match(c.reason, /faster than LibRaw WebAssembly/);
  const info = rawDecoderInfo({ prefer: '' })!;
  assert.equal(info.name, native.name);
  assert.match(info.reason, /npm run bench -- raw/);
});

test('without a native decoder LibRaw WebAssembly runs, and says why', () => {
  const c = chooseRawDecoder({ prefer: '', nativeDirs: [empty], pathEnv: empty });
  assert.equal(c.kind, 'wasm');
  assert.match(c.reason, /no dcraw_emu or dcraw in native-bin\/ or on PATH/);
  const info = rawDecoderInfo({ prefer: '', nativeDirs: [empty], pathEnv: empty })!;
  assert.equal(info.name, 'libraw-wasm');
  assert.equal(info.source, 'npm');
  assert.match(info.version, /LibRaw 0\.22/);
});

test('EVENLIGHT_RAW_DECODER picks one; a choice that is not there falls back', () => {
  assert.equal(chooseRawDecoder({ prefer: 'wasm' }).kind, 'wasm');
  assert.equal(chooseRawDecoder({ prefer: 'wasm' }).reason, 'EVENLIGHT_RAW_DECODER=wasm');
  assert.equal(chooseRawDecoder({ prefer: 'native' }).kind, 'native');
  assert.equal(chooseRawDecoder({ prefer: 'native', nativeDirs: [empty], pathEnv: empty }).kind, 'wasm');
  const none = chooseRawDecoder({ prefer: 'wasm', noWasm: true, nativeDirs: [empty], pathEnv: empty });
  assert.equal(none.kind, 'none');
  assert.match(none.reason, /libraw-wasm package is not installed/);
});

test('decodeRawFile follows EVENLIGHT_RAW_DECODER', async () => {
  const f = join(dir, 'a.dng');
  writeSyntheticDng(f, { width: 64, height: 48 });
  const saved = process.env.EVENLIGHT_RAW_DECODER;
  try {
    process.env.EVENLIGHT_RAW_DECODER = 'wasm';
    assert.equal((await decodeRawFile(f)).info.decoder, 'libraw-wasm');
    process.env.EVENLIGHT_RAW_DECODER = 'native';
    assert.equal((await decodeRawFile(f)).info.decoder, resolveDecoder()!.name);
  } finally {
    if (saved === undefined) delete process.env.EVENLIGHT_RAW_DECODER;
    else process.env.EVENLIGHT_RAW_DECODER = saved;
  }
});
