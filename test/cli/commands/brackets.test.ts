import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliPath, dataDir } from '../../helpers/paths';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

test('evenlight brackets lists a real bracket (text and JSON)', () => {
  const dir = join(dataDir, 'brackets', 'rawio_canon5d3_foyer');
  const text = cli('brackets', dir);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^bracket 1: 3 frames, Canon EOS 5D Mark III, 1920x1280, 3\.9 EV span\n {2}group_15\.jpg {2}1\/60 s {2}-2\.0 EV\n {2}group_14\.jpg {2}1\/15 s {2}\+0\.0 EV\n {2}group_16\.jpg {2}1\/4 s {2}\+2\.0 EV\n$/);
  const json = cli('brackets', dir, '--json');
  assert.equal(json.status, 0);
  const scan = JSON.parse(json.stdout) as { brackets: Array<{ frames: Array<{ exposureTime: number }> }>; singles: unknown[]; failed: unknown[] };
  assert.equal(scan.brackets[0].frames.length, 3);
  assert.deepEqual(scan.singles, []);
});

test('evenlight brackets: missing folder exits 1 naming it; bad --max-gap exits 2', () => {
  const r = cli('brackets', '/nonexistent/shots');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/nonexistent\/shots: file not found/);
  assert.equal(cli('brackets', dataDir, '--max-gap', 'soon').status, 2);
});
