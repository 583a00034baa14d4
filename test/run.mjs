#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own test runner through tsx.
// Node 20's --test takes no globs, so the file list is collected here.
// Every test gets a default timeout (test/setup/default-timeout.cjs). Skipped tests are
// listed at the end; with CI set, a skip not on test/skip-allow.json fails the run.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'fixtures' || name === 'node_modules' || name === 'setup') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// EVENLIGHT_TEST_DIR: another folder of tests (test/run-policy.test.ts runs the runner on one)
let files = walk(process.env.EVENLIGHT_TEST_DIR ?? join(root, 'test')).map((f) => relative(root, f)).sort();
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (!files.length) {
  console.error('no test files matched');
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'evenlight-run-'));
const skipLog = join(scratch, 'skips.jsonl');
// The tests' temporary folders (theirs, the CLI's and Python's) go under the run's scratch
// folder, removed at the end: a test that fails before its own cleanup leaves nothing behind.
const testTmp = join(scratch, 'tmp');
mkdirSync(testTmp);
// as /tmp is: tests that drop a child to an unprivileged user (bad-input.test.ts) need to
// reach their files and write tsx's cache there
chmodSync(scratch, 0o755);
chmodSync(testTmp, 0o1777);
const r = spawnSync(
  process.execPath,
  [
    '--require',
    join(root, 'test', 'setup', 'default-timeout.cjs'),
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    // Node 20 applies this to a whole file: a backstop behind the per-test default. Not
    // --test-force-exit: test/setup/default-timeout.cjs says why, and ends a file left alive
    '--test-timeout=2400000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'test', 'setup', 'skip-reporter.mjs')}`,
    `--test-reporter-destination=${skipLog}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, EVENLIGHT_TEST: '1', TMPDIR: testTmp, TMP: testTmp, TEMP: testTmp } },
);
let status = r.status ?? 1;

const skips = (existsSync(skipLog) ? readFileSync(skipLog, 'utf8') : '')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .map((s) => ({ ...s, file: s.file ? relative(root, s.file.startsWith('file:') ? fileURLToPath(s.file) : s.file) : '' }));
rmSync(scratch, { recursive: true, force: true });

const ci = Boolean(process.env.CI) && !['false', '0'].includes(process.env.CI.toLowerCase());
const { allow } = JSON.parse(readFileSync(join(root, 'test', 'skip-allow.json'), 'utf8'));
const allowed = (s) => allow.some((a) => a.file === s.file && a.test === s.name);
if (skips.length) {
  console.log(`\n${skips.length} test(s) skipped or todo:`);
  for (const s of skips) {
    const mark = allowed(s) ? 'allowed' : ci ? 'NOT ALLOWED in CI' : 'would fail with CI=true';
    console.log(`  ${s.file} › ${s.name}: ${s.reason || s.kind} [${mark}]`);
  }
  const refused = skips.filter((s) => !allowed(s));
  if (ci && refused.length) {
    console.error(`\nCI: ${refused.length} skip(s) not on test/skip-allow.json; make the test run, or add it there with a reason`);
    if (status === 0) status = 1;
  }
}
process.exit(status);
