// LibRaw in WebAssembly (raw/libraw-wasm.ts): the decoder `npm ci` brings on every platform.
// Scene accuracy is checked with every decoder in dcraw.test.ts; here: agreement with
// dcraw_emu, cancellation, the pixel limit, bad files, and RAW with no native decoder at all.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeRaw, resolveDecoder } from '../../../electron/engine/raw/dcraw';
import { decodeRawWasm, wasmDecoderInfo } from '../../../electron/engine/raw/libraw-wasm';
import { EvenlightError } from '../../../electron/engine/errors';
import { cliPath, dataPath, tmpDir } from '../../helpers/paths';
import { waitFor } from '../../helpers/wait';
import { buildSyntheticDng, writeSyntheticDng } from '../../fixtures/dng';

const dir = tmpDir('evenlight-wasm-');
after(() => rmSync(dir, { recursive: true, force: true }));

const threads = (): number => readdirSync('/proc/self/task').length;

test('the package is found and names its LibRaw', () => {
  const info = wasmDecoderInfo();
  assert.ok(info, 'libraw-wasm must be installed (npm ci)');
  assert.ok(existsSync(info.path) && info.path.endsWith('libraw.wasm'));
  assert.match(info.version, /^LibRaw \d+\.\d+\.\d+ \(npm package \d+\.\d+\.\d+\)$/);
});

test('same pixels as dcraw_emu on a synthetic DNG (same LibRaw settings), also with a preview IFD0 and a rotation', async () => {
  const native = resolveDecoder();
  assert.ok(native?.name === 'dcraw_emu', 'dcraw_emu (libraw-bin) is the reference here');
  const preview = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  const cases = [
    { name: 'plain', o: {} },
    { name: 'preview-rotated', o: { preview, previewWidth: 64, previewHeight: 48, orientation: 6 } },
  ];
  for (const c of cases) {
    const f = join(dir, `same-${c.name}.dng`);
    writeSyntheticDng(f, { width: 200, height: 150, baselineExposure: 0.5, ...c.o });
    const a = await decodeRawWasm(f);
    const b = await decodeRaw(f, { decoder: native });
    assert.deepEqual([a.image.width, a.image.height], [b.image.width, b.image.height], c.name);
    let worst = 0;
    for (let i = 0; i < a.image.data.length; i++) worst = Math.max(worst, Math.abs(a.image.data[i] - b.image.data[i]));
    assert.ok(worst < 1e-6, `${c.name}: largest difference ${worst}`);
    assert.equal(a.info.gain, b.info.gain);
    assert.equal(a.info.maxValue, b.info.maxValue);
  }
});

test('the real Blackmagic DNG: same size as dcraw_emu, close in value (LibRaw 0.22 vs the system LibRaw)', async () => {
  const f = dataPath('raw', 'blackmagic_pocket4k_dng', 'Blackmagic.dng');
  const a = await decodeRawWasm(f);
  const b = await decodeRaw(f, { decoder: resolveDecoder()! });
  assert.deepEqual([a.image.width, a.image.height], [4128, 2176]);
  assert.equal(a.info.baselineExposureEv, b.info.baselineExposureEv);
  let sum = 0;
  for (let i = 0; i < a.image.data.length; i += 7) sum += Math.abs(a.image.data[i] - b.image.data[i]);
  const mean = sum / Math.ceil(a.image.data.length / 7);
  assert.ok(mean < 0.01, `mean absolute difference ${mean}`);
});

test('abort stops the decode mid-way and its worker thread ends', async () => {
  const f = join(dir, 'cancel.dng');
  writeSyntheticDng(f, { width: 3000, height: 2000 });
  const before = threads();
  const ac = new AbortController();
  const p = decodeRawWasm(f, { signal: ac.signal });
  await waitFor(() => threads() > before, 'the decoder thread to start', { everyMs: 2 });
  await new Promise((ok) => setTimeout(ok, 150)); // inside LibRaw by now (a decode takes seconds)
  const t0 = Date.now();
  ac.abort();
  await assert.rejects(p, (e: unknown) => e instanceof EvenlightError && e.code === 'CANCELLED' && e.message === `${f}: cancelled`);
  assert.ok(Date.now() - t0 < 500, `cancel took ${Date.now() - t0} ms`);
  await waitFor(() => threads() <= before, 'the decoder thread to end', { timeoutMs: 10_000 });
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(decodeRawWasm(f, { signal: pre.signal }), (e: unknown) => e instanceof EvenlightError && e.code === 'CANCELLED');
});

test('the pixel limit refuses before decoding, full and half size', async () => {
  const f = join(dir, 'limit.dng');
  writeSyntheticDng(f, { width: 2000, height: 1500 });
  await assert.rejects(decodeRawWasm(f, { maxPixels: 1_000_000 }), (e: unknown) => e instanceof EvenlightError && e.code === 'TOO_LARGE' && /2000×1500/.test(e.message));
  // Half size: 1000×750 = 0.75 MP passes a 1 MP limit.
  const half = await decodeRawWasm(f, { maxPixels: 1_000_000, halfSize: true });
  assert.deepEqual([half.image.width, half.image.height], [1000, 750]);
});

test('bad files: one line naming the file, with the cause', async () => {
  const text = join(dir, 'text.dng');
  writeFileSync(text, 'this is not a raw file at all '.repeat(100));
  await assert.rejects(decodeRawWasm(text), (e: unknown) => {
    assert.ok(e instanceof EvenlightError);
    assert.equal(e.code, 'DECODE_FAILED');
    assert.ok(e.message.startsWith(`${text}: `) && !e.message.includes('\n'), e.message);
    assert.match(e.message, /cannot decode/);
    return true;
  });
  const whole = buildSyntheticDng({ width: 64, height: 64 });
  const cut = join(dir, 'cut.dng');
  writeFileSync(cut, whole.subarray(0, whole.length - 2000));
  await assert.rejects(decodeRawWasm(cut), (e: unknown) => e instanceof EvenlightError && e.code === 'TRUNCATED');
  const empty = join(dir, 'empty.dng');
  writeFileSync(empty, '');
  await assert.rejects(decodeRawWasm(empty), (e: unknown) => e instanceof EvenlightError && e.code === 'EMPTY');
});

test('evenlight normalize reads a DNG with no dcraw_emu, no dcraw and an empty native-bin', () => {
  const f = join(dir, 'cli.dng');
  writeSyntheticDng(f, { width: 320, height: 240, baselineExposure: 1 });
  const emptyBin = join(dir, 'native-bin');
  mkdirSync(emptyBin);
  // an empty PATH and native-bin: nowhere to find a decoder (node itself is run by its path)
  const env = { ...process.env, PATH: emptyBin, EVENLIGHT_NATIVE_BIN: emptyBin };
  const info = spawnSync(process.execPath, [cliPath, 'info', '--json'], { encoding: 'utf8', env });
  assert.equal(info.status, 0, info.stderr);
  const decoder = (JSON.parse(info.stdout) as { decoder: { name: string; reason: string } | null }).decoder;
  assert.equal(decoder?.name, 'libraw-wasm');
  assert.match(decoder.reason, /no dcraw_emu or dcraw/);
  const out = join(dir, 'cli.jpg');
  const r = spawnSync(process.execPath, [cliPath, 'normalize', f, '-o', out, '--mode', 'classic'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(out));
});
