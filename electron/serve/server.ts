/**
 * The browser bridge: serves the built renderer over HTTP and carries the IPC contract over
 * a WebSocket, both on 127.0.0.1 only. A random per-run token guards the WebSocket (the
 * only way to the user's photos): the printed page URL carries it and the page passes it
 * in the WebSocket query. The assets are not secret and need no token, so no cookie
 * carries it (cookies ignore the port and would reach every server on 127.0.0.1). A
 * foreign Origin or Host header is refused (no cross-site or DNS rebinding access).
 *
 * Nothing a client sends may crash the process: every socket has an 'error' listener,
 * including raw upgrade sockets refused before any token check.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsClientMessage, type WsServerMessage } from '../common/contract';
import { createRouter, type Router } from '../ipc/router';
import type { Host } from '../ipc/context';
import { stopEngine } from '../ipc/shutdown';
import { isInside, rendererDir as installedRendererDir } from '../engine';
import { mimeTypeOf } from '../common/formats';

export interface BridgeOptions {
  port?: number;
  /** folder holding the built renderer (index.html); found next to dist/ by default */
  rendererDir?: string;
  version?: string;
}

export interface Bridge {
  url: string;
  port: number;
  token: string;
  router: Router;
  /** Aborts every job, drops every client, and stops the server and the engine's worker. */
  close(): Promise<void>;
}

/** The built renderer of this install (engine/settings.ts), or a one-line error when it was never built. */
export function findRendererDir(): string {
  const dir = installedRendererDir();
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`renderer not built (no index.html under ${dir}); run \`npm run build\``);
  return dir;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Largest WebSocket text frame accepted; a bigger one closes that connection (1009), nothing else. */
export const MAX_WS_PAYLOAD = 4 * 1024 * 1024;

export async function startBridge(opts: BridgeOptions = {}): Promise<Bridge> {
  const rendererDir = opts.rendererDir ?? findRendererDir();
  const token = randomBytes(24).toString('base64url');
  const clients = new Set<WebSocket>();
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const host: Host = {
    kind: 'bridge',
    version: opts.version ?? '0.0.0',
    emit(event, payload) {
      const text = JSON.stringify({ kind: 'event', event, payload } satisfies WsServerMessage);
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    sendTile(frame) {
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    },
  };
  const router = createRouter(host);

  const csp = () =>
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; ');

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text + '\n');
    };
    if (!allowedHosts().includes(req.headers.host ?? '')) return reply(403, 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    // a wrong token on the page is refused so a mistyped URL says so; no token is fine
    // (a reload after the page dropped it from the address bar)
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && !sameToken(queryToken, token)) return reply(403, 'wrong token');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return reply(400, 'bad path');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = resolve(rendererDir, '.' + rel);
    if (!isInside(rendererDir, file)) return reply(404, 'not found');
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return reply(404, 'not found');
    const headers: Record<string, string> = {
      'content-type': mimeTypeOf(file),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    };
    if (extname(file) === '.html') {
      headers['content-security-policy'] = csp();
      headers['x-frame-options'] = 'DENY';
    }
    // read before the head goes out, so a failed read can still become a 500
    const body = req.method === 'HEAD' ? undefined : await readFile(file);
    res.writeHead(200, headers);
    res.end(body);
  }

  const server = createServer((req, res) => {
    serveHttp(req, res).catch(() => {
      // internal detail (paths, errno text) stays on this side
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('internal error\n');
    });
  });
  // a client that resets mid-request must not take the bridge down
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // first thing: a reset (ECONNRESET, EPIPE) on this raw socket is no reason to exit
    socket.on('error', () => socket.destroy());
    const refuse = (why: string) => {
      if (socket.writable) socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${why}\n`);
      else socket.destroy();
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return refuse('bad request');
    }
    if (url.pathname !== '/ws') return refuse('no such endpoint');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse('forbidden host');
    if (!allowedOrigins().includes(req.headers.origin ?? '')) return refuse('forbidden origin');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse('missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // oversized frame, bad opcode, reset: ws closes this client itself (1009, 1002, ...);
      // without a listener the 'error' event would end the process
      ws.on('error', () => clients.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let msg: { id: number; command: string; request: unknown };
        try {
          msg = WsClientMessage.parse(JSON.parse(String(data)));
        } catch {
          ws.send(JSON.stringify({ kind: 'result', id: -1, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'malformed message' } } }));
          return;
        }
        void router.invoke(msg.command, msg.request).then((result) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ kind: 'result', id: msg.id, result } satisfies WsServerMessage));
        });
      });
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    router,
    async close() {
      router.dispose();
      for (const ws of clients) ws.terminate();
      wss.close();
      await Promise.all([new Promise<void>((ok) => server.close(() => ok())), stopEngine()]);
    },
  };
}
