// Shared test locations. Real data comes from EVENLIGHT_DATA (default ../shared/data);
// it is read, never copied into the repo.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const dataDir = resolve(process.env.EVENLIGHT_DATA ?? join(repoRoot, '..', 'shared', 'data'));
export const cliPath = join(repoRoot, 'bin', 'evenlight.js');
export const artifactsDir = join(repoRoot, 'test-artifacts');

export function tmpDir(prefix = 'evenlight-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
