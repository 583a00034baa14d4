// Reading the tensors that models/training/parity_dump.py writes (cases.json + one
// little-endian float32 .bin per tensor), for the ONNX and applier parity tests.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface TensorRef {
  shape: number[];
  file: string;
}

export interface DumpCase {
  model: string;
  graph: string;
  inputs: Record<string, TensorRef>;
  outputs: Record<string, TensorRef>;
}

/** Runs parity_dump.py into `dir` (Debian's PyTorch); applierOnly: the cases that need no checkpoint. */
export function runParityDump(dir: string, applierOnly: boolean): DumpCase[] {
  const args = [join(repoRoot, 'models', 'training', 'parity_dump.py'), dir, ...(applierOnly ? ['--applier-only'] : [])];
  const r = spawnSync('/usr/bin/python3', args, { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `parity_dump.py failed: ${r.stderr}`);
  return readCases(dir);
}

export function readCases(dir: string): DumpCase[] {
  return JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as DumpCase[];
}

export function readF32(dir: string, ref: TensorRef): Float32Array {
  const buf = readFileSync(join(dir, ref.file));
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  assert.equal(out.length, ref.shape.reduce((a, b) => a * b, 1), `${ref.file}: size does not match its shape`);
  return out;
}

/** NCHW planes of one image -> interleaved RGB */
export function interleave(planes: Float32Array, h: number, w: number): Float32Array {
  const n = h * w;
  const out = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = planes[c * n + p];
  return out;
}
