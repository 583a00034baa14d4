// The bridge in its own process, attacked the way a local process or a clumsy client can:
// oversized frames, upgrades reset before any token check, and a bounded fuzz loop of
// malformed, oversized, out-of-order and half-closed handshakes and messages. The bridge
// must stay up, answer a valid request afterwards, and return to its memory baseline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { MAX_WS_PAYLOAD } from '../../electron/serve/server';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process';
import { tmpDir } from '../helpers/paths';

let dir = '';
let bridge: BridgeProcess;

before(async () => {
  dir = tmpDir('evenlight-fuzz-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  bridge = await startBridgeProcess(dir);
});
after(async () => {
  await bridge.stop();
  rmSync(dir, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${bridge.port}`;

function alive(): void {
  assert.equal(bridge.child.exitCode, null, `bridge exited: ${bridge.stderr()}`);
  assert.equal(bridge.child.signalCode, null, `bridge killed: ${bridge.stderr()}`);
}

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws?token=${bridge.token}`, { origin: origin() });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function hostInfoWorks(): Promise<void> {
  const ws = await open();
  const reply = new Promise<{ id: number; result: { ok: boolean } }>((resolve) => ws.on('message', (d) => resolve(JSON.parse(String(d)))));
  ws.send(JSON.stringify({ id: 42, command: 'hostInfo', request: {} }));
  const r = await reply;
  ws.close();
  assert.equal(r.id, 42);
  assert.equal(r.result.ok, true);
}

/** Raw TCP: writes `chunks`, then ends, resets or just drops the socket. */
function raw(chunks: (string | Buffer)[], finish: 'end' | 'reset' | 'destroy' | 'wait'): Promise<void> {
  return new Promise<void>((resolve) => {
    const s: Socket = tcpConnect(bridge.port, '127.0.0.1', () => {
      for (const c of chunks) s.write(c);
      if (finish === 'end') s.end();
      else if (finish === 'reset') s.resetAndDestroy();
      else if (finish === 'destroy') s.destroy();
      else setTimeout(() => s.destroy(), 5);
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve());
    s.on('data', () => undefined);
    setTimeout(() => {
      s.destroy();
      resolve();
    }, 2000).unref();
  });
}

const upgrade = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nOrigin: ${origin()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

test('a frame over maxPayload closes that connection only; the bridge stays up', async () => {
  const ws = await open();
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send('x'.repeat(MAX_WS_PAYLOAD + 1024));
  assert.equal(await closed, 1009);
  await new Promise((r) => setTimeout(r, 100));
  alive();
  await hostInfoWorks();
});

test('300 upgrade requests to an unknown path, each reset at once, do not crash the bridge', async () => {
  for (let i = 0; i < 300; i++) await raw([upgrade('/nope')], 'reset');
  await new Promise((r) => setTimeout(r, 200));
  alive();
  await hostInfoWorks();
});

/** Small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz: 3000 malformed, oversized, out-of-order and half-closed inputs; the bridge survives and its memory returns to baseline', async () => {
  const rand = rng(0xeeee);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const messages = [
    () => 'not json',
    () => '{',
    () => JSON.stringify({ id: 'x', command: 1 }),
    () => JSON.stringify({ id: 1e308, command: 'hostInfo', request: {} }),
    () => JSON.stringify({ id: 1, command: '__proto__', request: {} }),
    () => JSON.stringify({ id: 1, command: 'constructor', request: {} }),
    () => JSON.stringify({ id: 2, command: 'listPhotos', request: { folder: '/'.repeat(5000) } }),
    () => JSON.stringify({ id: 3, command: 'thumbnail', request: { path: '/etc/passwd' } }),
    () => JSON.stringify({ id: 4, command: 'normalize', request: { jobId: 'j', path: 'relative', mode: 'ai', rois: 'x' } }),
    () => JSON.stringify({ id: 5, command: 'cancel', request: { jobId: '../../' } }),
    () => '['.repeat(10000) + ']'.repeat(10000),
    () => JSON.stringify({ id: 6, command: 'hostInfo', request: { a: 'y'.repeat(200_000) } }),
  ];

  // warm-up, then the baseline
  for (let i = 0; i < 50; i++) await raw([upgrade('/nope')], 'end');
  await hostInfoWorks();
  const base = await bridge.memory();

  const one = async (i: number): Promise<void> => {
    const kind = Math.floor(rand() * 9);
    const t = bridge.token;
    if (kind === 0) return raw([junk(1 + Math.floor(rand() * 2000))], pick(['end', 'reset', 'destroy', 'wait'] as const));
    if (kind === 1) return raw([upgrade(pick(['/nope', '/ws', `/ws?token=${t}`, '/ws?token=bad', '/%zz', '//ws?token=' + t])).slice(0, Math.floor(rand() * 200))], pick(['end', 'reset', 'destroy', 'wait'] as const));
    if (kind === 2) return raw([upgrade(`/ws?token=${t}`), junk(1 + Math.floor(rand() * 500))], pick(['end', 'reset', 'destroy', 'wait'] as const));
    if (kind === 3) return raw([upgrade(`/ws?token=${t}`, 'Sec-WebSocket-Version: 99\r\n')], 'wait');
    if (kind === 4) return raw([`GET /${'a'.repeat(Math.floor(rand() * 20000))} HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\n\r\n`], pick(['end', 'reset', 'wait'] as const));
    if (kind === 5) return raw([`GET / HTTP/1.1\r\n${'X-A: b\r\n'.repeat(Math.floor(rand() * 3000))}\r\n`], pick(['end', 'reset'] as const));
    // a real WebSocket sending bad messages, then leaving in some rude way
    const ws = await open().catch(() => null);
    if (!ws) return;
    ws.on('error', () => undefined);
    const n = 1 + Math.floor(rand() * 8);
    for (let k = 0; k < n; k++) {
      if (kind === 6) ws.send(pick(messages)());
      else if (kind === 7) ws.send(junk(1 + Math.floor(rand() * 1000)), { binary: true });
      else ws.send(i % 100 === 0 ? 'z'.repeat(MAX_WS_PAYLOAD + 1) : pick(messages)());
    }
    await new Promise((r) => setTimeout(r, Math.floor(rand() * 5)));
    pick([() => ws.terminate(), () => ws.close(), () => ws.close(4000 + Math.floor(rand() * 999)), () => ws.pause()])();
    ws.terminate();
  };

  const total = 3000;
  let started = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (started < total) await one(started++);
    }),
  );
  await new Promise((r) => setTimeout(r, 300));
  alive();
  await hostInfoWorks();
  const after = await bridge.memory();
  // heap after a full GC back near where it started: nothing per connection is kept
  assert.ok(after.heapUsed - base.heapUsed < 8 * 1024 * 1024, `heap grew ${((after.heapUsed - base.heapUsed) / 1048576).toFixed(1)} MiB`);
  assert.doesNotMatch(bridge.stderr(), /Unhandled|Error/);
});
