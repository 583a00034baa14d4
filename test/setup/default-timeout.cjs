// Preloaded into every test process by test/run.mjs. Node 20's --test-timeout bounds a
// whole file, not a test, so `test` and `it` get a default per-test timeout here: a job
// that never finishes fails its own test instead of hanging CI. Suites (`describe`) get
// none, because a suite's timeout would cover all its tests together. An explicit
// `timeout` option wins.
const nodeTest = require('node:test');
const vm = require('node:vm');
const { findSourceMap } = require('node:module');

const DEFAULT_MS = Number(process.env.EVENLIGHT_TEST_TIMEOUT_MS) || 300_000;

// node:test records where a test was declared from its direct caller, which would now be
// this file. So the original is called from a one-line function compiled at the test
// file's own position: reports (and test/skip-allow.json) keep naming the test's file.
const invokers = new Map();
function invokerAtCaller() {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, frames) => frames;
  const frame = new Error().stack[2]; // [0] here, [1] the wrapper, [2] the test file
  Error.prepareStackTrace = saved;
  const file = frame?.getFileName();
  if (!file) return (f, self, args) => f.apply(self, args);
  let line = frame.getLineNumber() ?? 1;
  let col = frame.getColumnNumber() ?? 1;
  // tsx's output is source-mapped: name the line of the .ts file
  const entry = findSourceMap(file)?.findEntry(line - 1, col - 1);
  if (entry && 'originalLine' in entry) {
    line = entry.originalLine + 1;
    col = entry.originalColumn + 1;
  }
  const key = `${file}:${line}:${col}`;
  let invoke = invokers.get(key);
  if (!invoke) {
    invoke = vm.runInThisContext('(f, self, args) => f.apply(self, args)', { filename: file, lineOffset: line - 1, columnOffset: col - 1 });
    invokers.set(key, invoke);
  }
  return invoke;
}

function withDefaultTimeout(original) {
  const wrapped = function (...args) {
    // node:test takes (name?, options?, fn?) in this order
    const i = typeof args[0] === 'string' ? 1 : 0;
    const opts = args[i];
    if (opts !== null && typeof opts === 'object') {
      if (opts.timeout === undefined) args[i] = { ...opts, timeout: DEFAULT_MS };
    } else {
      args.splice(i, 0, { timeout: DEFAULT_MS });
    }
    return invokerAtCaller()(original, this, args);
  };
  // test.skip / test.todo / test.only keep working, with the same default
  if (original.skip) for (const key of ['skip', 'todo', 'only']) wrapped[key] = withDefaultTimeout(original[key]);
  return wrapped;
}

nodeTest.test = withDefaultTimeout(nodeTest.test);
nodeTest.it = withDefaultTimeout(nodeTest.it);

// A test that timed out may leave its job's handles open, and the file's process would then
// live until the file-level backstop (40 min). Once every test of the file has finished (the
// root test's `after`), a file still alive 30 s later (well past any cleanup hook) ends, with
// the exit code node:test set. Not --test-force-exit: on Node 20, under load, it ended files
// before their last tests ran and reported them passing (test/run-policy.test.ts). Only in the
// processes that run test files, not in the runner that spawns them.
if (process.env.NODE_TEST_CONTEXT) {
  nodeTest.after(() => {
    setTimeout(() => process.exit(), 30_000).unref();
  });
}
