// Builds the tiny real ONNX models of test/fixtures/make_onnx.py into a temp folder.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, tmpDir } from './paths';

/** Folder with manifest.json + tile.onnx (+ context.onnx unless noContext). */
export function makeTestModel(opts: { noContext?: boolean; target?: number; heavy?: number } = {}): string {
  const dir = tmpDir('evenlight-model-');
  const args = [join(repoRoot, 'test', 'fixtures', 'make_onnx.py'), dir];
  if (opts.noContext) args.push('--no-context');
  if (opts.target !== undefined) args.push('--target', String(opts.target));
  if (opts.heavy) args.push('--heavy', String(opts.heavy)); // slow by construction (cancel tests)
  execFileSync('/usr/bin/python3', args, { stdio: 'pipe' });
  return dir;
}
