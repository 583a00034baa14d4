// worker-rpc.ts close(): what the worker runs finishes and its onClose runs before the thread
// stops (a native add-on's work stopped mid-flight takes the process down); terminate() does not
// wait; a worker that never answers the close is stopped after the timeout.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { join } from 'node:path';
import { connectWorker, startWorker } from '../../electron/engine';

const fixtures = join(__dirname, '..', 'fixtures');

function slowWorker(): { w: ReturnType<typeof connectWorker<{ ms: number; n: number }>>; log: Int32Array } {
  const buf = new SharedArrayBuffer(8);
  return { w: connectWorker<{ ms: number; n: number }>(startWorker(fixtures, 'slow-worker', { workerData: buf }), 'slow worker'), log: new Int32Array(buf) };
}

test('close() lets a request in flight finish and runs onClose after it; the worker is then gone', async () => {
  const { w, log } = slowWorker();
  const call = w.call<number>({ ms: 300, n: 7 });
  const t = performance.now();
  await w.close();
  assert.ok(performance.now() - t >= 250, 'close waited for the request');
  assert.equal(await call.result, 7);
  assert.equal(log[0], 1, 'the request finished');
  assert.equal(log[1], 2, 'onClose ran once the request had finished');
  assert.ok(w.lost, 'the worker is stopped');
  await assert.rejects(w.call<number>({ ms: 0, n: 1 }).result, /stopped/);
});

test('terminate() does not wait: the request in flight fails and onClose never runs', async () => {
  const { w, log } = slowWorker();
  const call = w.call<number>({ ms: 300, n: 7 });
  const failed = assert.rejects(call.result, /stopped/);
  await w.terminate();
  await failed;
  assert.equal(log[1], 0);
});

test('close() stops a worker whose request outlasts the timeout', async () => {
  const { w, log } = slowWorker();
  const call = w.call<number>({ ms: 5000, n: 7 });
  const failed = assert.rejects(call.result, /stopped/);
  const t = performance.now();
  await w.close(200);
  assert.ok(performance.now() - t < 2000, 'not held for the whole request');
  await failed;
  assert.equal(log[0], 0);
  assert.equal(log[1], 0);
});
