// The browser bridge over real sockets: token, Origin and Host checks, static files with a
// CSP, and the contract over the WebSocket (a temp folder stands in for the built renderer).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import sharp from 'sharp';
import { startBridge, type Bridge } from '../../electron/serve/server';
import { engineHostStats, runEngineJob } from '../../electron/jobs/engine-host';
import { tmpDir } from '../helpers/paths';

let dir = '';
let bridge: Bridge;

before(async () => {
  dir = tmpDir('evenlight-serve-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  // stat says "file", reading fails with EIO: drives the bridge's HTTP 500 path
  symlinkSync('/proc/self/mem', join(dir, 'assets', 'broken.js'));
  writeFileSync(join(dir, '..', 'evenlight-serve-secret.txt'), 'secret');
  bridge = await startBridge({ rendererDir: dir, version: '1.2.3' });
});
after(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, '..', 'evenlight-serve-secret.txt'), { force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, headers: { host: `127.0.0.1:${bridge.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

test('prints a 127.0.0.1 URL carrying a long random token', () => {
  assert.match(bridge.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
});

test('the token guards the WebSocket only: no cookie, assets need none, a wrong page token is refused', async () => {
  assert.equal((await get('/?token=wrong')).status, 403);
  const page = await get(`/?token=${bridge.token}`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  // a cookie would be sent to every server on 127.0.0.1, whatever its port
  assert.equal(page.headers['set-cookie'], undefined);
  assert.equal((await get('/')).status, 200, 'a reload without the token still loads the page');
  const asset = await get('/assets/app.js');
  assert.equal(asset.status, 200);
  assert.equal(asset.body, 'console.log(1)');
});

test('an HTTP 500 does not echo the internal error', async () => {
  const r = await get('/assets/broken.js');
  assert.equal(r.status, 500);
  assert.equal(r.body, 'internal error\n');
});

test('CSP connect-src names only this port (header) and only self (index.html)', async () => {
  const page = await get('/');
  const connectSrc = /connect-src ([^;]*)/.exec(String(page.headers['content-security-policy']))?.[1] ?? '';
  assert.equal(connectSrc, `'self' ws://127.0.0.1:${bridge.port} ws://localhost:${bridge.port}`);
  const html = readFileSync(join(__dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
  const meta = /connect-src ([^;"]*)/.exec(html)?.[1];
  assert.equal(meta, "'self'", 'any-port WebSockets would let a compromised page reach other local servers');
});

test('no file outside the renderer folder, and a foreign Host header is refused', async () => {
  const t = `token=${bridge.token}`;
  assert.equal((await get(`/../evenlight-serve-secret.txt?${t}`)).status, 404);
  assert.equal((await get(`/%2e%2e/evenlight-serve-secret.txt?${t}`)).status, 404);
  assert.equal((await get(`/?${t}`, { host: `evil.example:${bridge.port}` })).status, 403);
});

test('the WebSocket refuses a foreign Origin, no Origin, and a wrong token', async () => {
  const good = `http://127.0.0.1:${bridge.port}`;
  await assert.rejects(connect(`?token=${bridge.token}`, 'http://evil.example'), /403/);
  await assert.rejects(connect(`?token=${bridge.token}`, undefined), /403/);
  await assert.rejects(connect('?token=nope', good), /403/);
  await assert.rejects(connect('', good), /403/);
});

test('the contract travels over the WebSocket; malformed messages get a typed error', async () => {
  const ws = await connect(`?token=${bridge.token}`, `http://localhost:${bridge.port}`);
  const replies: unknown[] = [];
  const got = new Promise<void>((resolve) =>
    ws.on('message', (d) => {
      replies.push(JSON.parse(String(d)));
      if (replies.length === 3) resolve();
    }),
  );
  ws.send(JSON.stringify({ id: 1, command: 'hostInfo', request: {} }));
  ws.send('not json');
  ws.send(JSON.stringify({ id: 2, command: 'listPhotos', request: { folder: dir } }));
  await got;
  ws.close();
  const byId = (id: number) => replies.find((r) => (r as { id: number }).id === id);
  assert.deepEqual(byId(1), { kind: 'result', id: 1, result: { ok: true, value: { host: 'bridge', nativeDialog: false, version: '1.2.3' } } });
  assert.deepEqual(byId(-1), { kind: 'result', id: -1, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'malformed message' } } });
  assert.equal((byId(2) as { result: { error: { code: string } } }).result.error.code, 'ACCESS_DENIED');
});

test('traversal in any spelling stays inside the renderer folder', async () => {
  const t = `token=${bridge.token}`;
  // node's http client sends these paths as written: each reaches the bridge's own guard
  for (const p of ['/..%2fevenlight-serve-secret.txt', '/..%2Fevenlight-serve-secret.txt', '/%2e%2e%2fevenlight-serve-secret.txt', '/%252e%252e/evenlight-serve-secret.txt', '/..%5cevenlight-serve-secret.txt', '/..\\evenlight-serve-secret.txt', '/assets/..%2f..%2fevenlight-serve-secret.txt']) {
    const r = await get(`${p}?${t}`);
    assert.notEqual(r.status, 200, `${p} answered 200`);
    assert.ok(!r.body.includes('secret'), `${p} leaked the file`);
  }
});

test('the WebSocket refuses a foreign Host even with the right token and Origin', async () => {
  const good = `http://127.0.0.1:${bridge.port}`;
  const refused = new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws?token=${bridge.token}`, { origin: good, headers: { host: `evil.example:${bridge.port}` } });
    ws.once('open', () => reject(new Error('a foreign Host was let in')));
    ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
    ws.once('error', (e) => resolve(e.message));
  });
  assert.match(await refused, /403|closed|hang up|ECONNRESET/);
});

test('the bridge listens on 127.0.0.1 only: another loopback address is refused', async () => {
  // 127.0.0.2 is this machine's loopback too; a server bound to 0.0.0.0 would answer there
  const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const req = request({ host: '127.0.0.2', port: bridge.port, path: '/' }, () => resolve(undefined));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e));
    req.end();
  });
  assert.equal(err?.code, 'ECONNREFUSED');
});

test('closing the bridge stops the engine worker its jobs ran in', async () => {
  const b = await startBridge({ rendererDir: dir, version: '1.2.3' });
  const photo = join(dir, 'photo.jpg');
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#405060' } }).jpeg().toFile(photo);
  await runEngineJob({ kind: 'preview', jobId: 'bridge-close', path: photo, maxSide: 64 });
  assert.equal(engineHostStats().alive, true, 'the job started a worker');
  await b.close();
  assert.equal(engineHostStats().alive, false, 'the worker is stopped');
});
