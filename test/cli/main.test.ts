// A command line run pays for the modules it loads before it can start work (zod and its
// schema alone cost 60-100 ms), so the modules only some commands use load when those
// commands run: zod with the first model manifest read, the bridge's WebSocket server with
// `serve`, the progress bar with a batch drawn on a terminal. Run from dist, as the CLI ships.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';

const LATE = ['zod', 'ws', 'cli-progress'];

/** The node_modules packages loaded by the time `evenlight <args>` exits. */
function packagesLoaded(args: string[]): Set<string> {
  const main = join(repoRoot, 'dist', 'electron', 'cli', 'main.js');
  const script = `process.argv = [process.argv[0], 'evenlight', ...${JSON.stringify(args)}];
process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));
require(${JSON.stringify(main)});`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, `no module list: ${r.stderr}`);
  const files = JSON.parse(line.slice('LOADED '.length)) as string[];
  return new Set(files.flatMap((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f)?.[1] ?? []));
}

test('--version loads none of zod, ws and cli-progress', () => {
  const loaded = packagesLoaded(['--version']);
  assert.ok(loaded.has('commander'), 'the check sees the packages that are loaded');
  for (const p of LATE) assert.ok(!loaded.has(p), `${p} loaded by --version`);
});

test('info, which reads the model manifest, loads zod then', () => {
  const loaded = packagesLoaded(['info']);
  assert.ok(loaded.has('zod'));
  assert.ok(!loaded.has('ws'));
});
