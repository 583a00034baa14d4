// Shared test locations. Real data comes from EVENLIGHT_DATA (default ../shared/data);
// it is read, never copied into the repo.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const dataDir = resolve(process.env.EVENLIGHT_DATA ?? join(repoRoot, '..', 'shared', 'data'));
export const cliPath = join(repoRoot, 'bin', 'evenlight.js');
export const artifactsDir = join(repoRoot, 'test-artifacts');

export function tmpDir(prefix = 'evenlight-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A path inside the shared data folder that a test cannot do without. Missing data fails the
 * test with a message that says what to provide, instead of skipping it quietly.
 */
export function dataPath(...parts: string[]): string {
  const p = join(dataDir, ...parts);
  if (!existsSync(p)) {
    throw new Error(`test data missing: ${p} (provide ../shared/data next to the repository, or set EVENLIGHT_DATA)`);
  }
  return p;
}
