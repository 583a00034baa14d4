/**
 * Sandboxed preload: exposes exactly one API, `window.evenlight`, typed by the IPC contract.
 * The renderer never sees ipcRenderer itself. Kept free of other imports because a
 * sandboxed preload can only require('electron') (and a few Node built-ins).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EvenlightApi } from './common/contract';

// duplicated from contract.ts `channels`: a sandboxed preload cannot require our own modules
const channels = { invoke: 'evenlight:invoke', event: 'evenlight:event', tile: 'evenlight:tile', dropped: 'evenlight:dropped' } as const;

const api: EvenlightApi = {
  invoke: (command, request) => ipcRenderer.invoke(channels.invoke, command, request),
  on(event, listener) {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(channels.event, wrapped);
    return () => {
      ipcRenderer.removeListener(channels.event, wrapped);
    };
  },
  onTile(listener) {
    const wrapped = (_e: IpcRendererEvent, frame: Uint8Array) => listener(frame);
    ipcRenderer.on(channels.tile, wrapped);
    return () => {
      ipcRenderer.removeListener(channels.tile, wrapped);
    };
  },
  pathForFile(file) {
    // only a real drop (or file pick) has a path; main grants openFolder for it once
    const path = webUtils.getPathForFile(file as File);
    if (path) ipcRenderer.send(channels.dropped, path);
    return path;
  },
};

contextBridge.exposeInMainWorld('evenlight', api);
