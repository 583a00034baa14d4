// The RAW decoder child: a time limit that grows with file size, and a child that dies
// with its parent. Real child processes (small shell scripts standing in for a decoder
// that hangs or dies mid-stream), run through the real runDecoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDecoder, type Decoder } from '../../../electron/engine/raw/dcraw';
import { decoderTimeoutMs, guardedCommand } from '../../../electron/engine/raw/child-guard';
import { tmpDir } from '../../helpers/paths';

function script(dir: string, name: string, body: string): Decoder {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return { name: 'dcraw_emu', path, source: 'explicit' };
}

/** Alive and not a zombie (a reaped or zombie process has finished). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

test('the time limit grows with file size', () => {
  const dir = tmpDir('evenlight-guard-');
  try {
    writeFileSync(join(dir, 'small.dng'), Buffer.alloc(1024));
    writeFileSync(join(dir, 'big.dng'), Buffer.alloc(64 * 1024 * 1024));
    const small = decoderTimeoutMs(join(dir, 'small.dng'));
    const big = decoderTimeoutMs(join(dir, 'big.dng'));
    assert.ok(small >= 10_000, `${small}`);
    assert.ok(big >= small + 60_000, `${small} -> ${big}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a decoder that never exits is stopped at the limit with a one-line error naming the file', { timeout: 20_000 }, async () => {
  const dir = tmpDir('evenlight-guard-');
  const prev = process.env.EVENLIGHT_DECODER_TIMEOUT_BASE_MS;
  process.env.EVENLIGHT_DECODER_TIMEOUT_BASE_MS = '400';
  try {
    const photo = join(dir, 'IMG_1.dng');
    writeFileSync(photo, Buffer.alloc(16));
    const d = script(dir, 'hang.sh', `echo $$ > ${join(dir, 'pid')}\nexec sleep 1000`);
    const t0 = Date.now();
    const err = await runDecoder(d, [photo], photo).then(() => null, (e: Error & { code: string }) => e);
    assert.ok(err, 'a hanging decoder must not resolve');
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.equal(err.code, 'DECODE_FAILED');
    assert.match(err.message, /IMG_1\.dng.*no result within/);
    assert.doesNotMatch(err.message, /\n/);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    assert.ok(await waitFor(() => !running(pid), 3000), 'the hung decoder is killed');
  } finally {
    if (prev === undefined) delete process.env.EVENLIGHT_DECODER_TIMEOUT_BASE_MS;
    else process.env.EVENLIGHT_DECODER_TIMEOUT_BASE_MS = prev;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a decoder that dies mid-stream gives a one-line error naming the file', async () => {
  const dir = tmpDir('evenlight-guard-');
  try {
    const photo = join(dir, 'IMG_2.dng');
    writeFileSync(photo, Buffer.alloc(16));
    const d = script(dir, 'die.sh', `printf 'P6\\n4000 3000\\n65535\\n'\nhead -c 5000 /dev/zero\nkill -9 $$`);
    const err = await runDecoder(d, [photo], photo).then(() => null, (e: Error) => e);
    assert.ok(err);
    assert.match(err.message, /IMG_2\.dng/);
    assert.match(err.message, /killed by SIGKILL/);
    assert.doesNotMatch(err.message, /\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the decoder child dies when its parent is SIGKILLed', { timeout: 40_000, skip: !guardedCommand('/bin/true', []).guarded && 'no parent-death hook on this platform' }, async () => {
  const dir = tmpDir('evenlight-guard-');
  try {
    const photo = join(dir, 'IMG_3.dng');
    writeFileSync(photo, Buffer.alloc(16));
    const pidFile = join(dir, 'pid');
    const d = script(dir, 'hang.sh', `echo $$ > ${pidFile}\nexec sleep 1000`);
    const dcraw = join(__dirname, '..', '..', '..', 'electron', 'engine', 'raw', 'dcraw.ts');
    const code = `require(${JSON.stringify(dcraw)}).runDecoder(${JSON.stringify(d)}, [], ${JSON.stringify(photo)}).catch(() => {}); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: 'ignore' });
    assert.ok(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 20_000), 'decoder started');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(running(pid));
    parent.kill('SIGKILL');
    assert.ok(await waitFor(() => !running(pid), 5000), `decoder ${pid} outlived its parent`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
