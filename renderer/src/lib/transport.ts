// Picks the transport: the Electron preload's `window.evenlight` when present, otherwise
// the WebSocket bridge of `evenlight serve`. Both carry the same typed contract.
import type { CommandName, EvenlightApi, EventName, EventPayload, Request, Response, Result, TileFrame, WsServerMessage } from '../../../electron/common/contract';
import { decodeTileFrame } from '../../../electron/common/tile-frame';

declare global {
  interface Window {
    evenlight?: EvenlightApi;
  }
}

export function bridgeToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    // keep it for reloads, but take it out of the address bar and history
    sessionStorage.setItem('evenlight-token', fromUrl);
    history.replaceState(null, '', location.pathname);
    return fromUrl;
  }
  return sessionStorage.getItem('evenlight-token');
}

function websocketApi(): EvenlightApi {
  const token = bridgeToken() ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const tileListeners = new Set<(f: Uint8Array) => void>();
  const opened = new Promise<void>((ok, fail) => {
    ws.addEventListener('open', () => ok());
    ws.addEventListener('error', () => fail(new Error('cannot reach the Evenlight bridge')));
  });
  ws.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'connection to the Evenlight bridge closed' } });
    pending.clear();
  });
  ws.addEventListener('message', (ev: MessageEvent) => {
    if (ev.data instanceof ArrayBuffer) {
      const frame = new Uint8Array(ev.data);
      for (const l of tileListeners) l(frame);
      return;
    }
    const msg = JSON.parse(String(ev.data)) as WsServerMessage;
    if (msg.kind === 'result') {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    } else {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    }
  });
  return {
    async invoke<C extends CommandName>(command: C, request: Request<C>): Promise<Result<Response<C>>> {
      try {
        await opened;
      } catch (err) {
        return { ok: false, error: { code: 'UNAVAILABLE', message: (err as Error).message } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: Result<unknown>) => void);
        ws.send(JSON.stringify({ id, command, request }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    onTile(listener) {
      tileListeners.add(listener);
      return () => tileListeners.delete(listener);
    },
  };
}

export const api: EvenlightApi = window.evenlight ?? websocketApi();
export const isElectron = Boolean(window.evenlight);

/** Invokes and unwraps: throws an Error carrying the typed error's message. */
export async function call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>> {
  const r = await api.invoke(command, request);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

/** The binary frames of one job, decoded, as they arrive; returns the unsubscribe. */
export function onJobFrames(jobId: string, listener: (frame: TileFrame) => void): () => void {
  return api.onTile((bytes) => {
    const frame = decodeTileFrame(bytes);
    if (frame.jobId === jobId) listener(frame);
  });
}
