/**
 * Electron main process, kept thin: one locked-down window, the IPC router (the same one
 * the `serve` bridge uses), native folder dialog and reveal. Engine work runs in worker
 * threads started by the jobs layer (electron/jobs/), so the window never freezes on a big photo.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { channels } from './common/contract';
import { createRouter, type Router } from './ipc/router';
import { stopEngine } from './ipc/shutdown';
import { createDropRegistry } from './ipc/dropped';
import { APP_ORIGIN, APP_SCHEME, appFileFor } from './ipc/app-protocol';
import { mimeTypeOf } from './common/formats';
import { packageVersion, rendererDir as installedRendererDir } from './engine';

const rendererDir = installedRendererDir();
const version = packageVersion();

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#161618',
    title: 'Evenlight',
    show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });

  const drops = createDropRegistry();
  const router: Router = createRouter({
    kind: 'electron',
    takeDropped: (path) => drops.take(path),
    version,
    async pickFolder() {
      const r = await dialog.showOpenDialog(win, { properties: ['openDirectory'] });
      return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
    },
    async reveal(path) {
      // never shell.openPath: that launches files (.exe, .desktop, .app)
      shell.showItemInFolder(path);
      return true;
    },
    emit(event, payload) {
      if (!win.isDestroyed()) win.webContents.send(channels.event, event, payload);
    },
    sendTile(frame) {
      if (!win.isDestroyed()) win.webContents.send(channels.tile, frame);
    },
  });

  const fromOurFrame = (e: Electron.IpcMainEvent | Electron.IpcMainInvokeEvent) => e.sender === win.webContents && e.senderFrame === win.webContents.mainFrame;
  const onDropped = (e: Electron.IpcMainEvent, path: unknown) => {
    if (fromOurFrame(e) && typeof path === 'string' && path.length <= 4096) drops.add(path);
  };
  ipcMain.on(channels.dropped, onDropped);
  ipcMain.handle(channels.invoke, (e, command: unknown, request: unknown) => {
    // only our own window's top frame may call in
    if (!fromOurFrame(e)) {
      return { ok: false, error: { code: 'ACCESS_DENIED', message: 'request from an unknown frame' } };
    }
    return router.invoke(String(command), request);
  });

  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-redirect', (e) => e.preventDefault());
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    router.dispose();
    ipcMain.removeHandler(channels.invoke);
    ipcMain.removeListener(channels.dropped, onDropped);
  });
  // app://, not file://: the page is its own origin, not one with every local file
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

app.enableSandbox();
// must happen before 'ready': a standard, secure scheme gets an origin and 'self' in the CSP
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // checks (e.g. navigator.permissions, media device enumeration) are denied too
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFileFor(request.url, rendererDir);
    const body = file ? await readFile(file).catch(() => null) : null;
    if (!file || !body) return new Response('not found', { status: 404 });
    return new Response(body, { headers: { 'content-type': mimeTypeOf(file), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' } });
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// the windows' routers have aborted their jobs; the engine's worker stops once they have
// (at most worker-rpc.ts CLOSE_TIMEOUT_MS), then the app quits for real
let engineStopped = false;
app.on('will-quit', (e) => {
  if (engineStopped) return;
  e.preventDefault();
  void stopEngine().finally(() => {
    engineStopped = true;
    app.quit();
  });
});
