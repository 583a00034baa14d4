// `evenlight serve` usage errors (the running bridge itself is covered by test/e2e and test/serve).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../../helpers/paths';

const built = existsSync(join(repoRoot, 'dist', 'electron', 'cli', 'main.js'));

test('serve --port rejects a non-port with exit 2 and one line', { skip: built ? false : 'not built (npm run build)' }, () => {
  const r = spawnSync(process.execPath, [cliPath, 'serve', '--port', 'abc'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), 'evenlight serve: --port abc: not a port number (0-65535)');
});
