/**
 * What every command handler is given: the host it runs in (Electron main or the browser
 * bridge), the folders the user opened, and the running jobs. In its own module so the
 * router and the handlers both import it and neither imports the other back.
 */
import type { CommandName, EventName, EventPayload, ParsedRequest, Response } from '../common/contract';
import type { FolderAccess } from './access';

export interface Host {
  kind: 'electron' | 'bridge';
  version: string;
  /** Native folder picker (Electron); absent in the browser bridge. */
  pickFolder?: () => Promise<string | null>;
  /** Shows a path in the OS file manager, never opens it (Electron). */
  reveal?: (path: string) => Promise<boolean>;
  /**
   * Electron: whether the user dropped this folder on the window (see dropped.ts). A host
   * with a native dialog grants a typed path only through this.
   */
  takeDropped?: (path: string) => boolean;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Sends one binary tile frame (common/tile-frame.ts) to the UI. */
  sendTile(frame: Uint8Array): void;
}

export interface Context {
  host: Host;
  access: FolderAccess;
  /** Running jobs by id, so `cancel`/`batchCancel` can abort them. */
  jobs: Map<string, AbortController>;
}

/** Signature every command handler has: the parsed (validated, defaulted) request in, the response out. */
export type Handler<C extends CommandName> = (request: ParsedRequest<C>, ctx: Context) => Promise<Response<C>>;
