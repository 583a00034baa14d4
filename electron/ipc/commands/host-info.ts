// Tells the UI which host it talks to, so it can offer the native dialog or the path dialog.
import type { Handler } from '../context';

export const hostInfo: Handler<'hostInfo'> = async (_req, ctx) => ({
  host: ctx.host.kind,
  nativeDialog: Boolean(ctx.host.pickFolder),
  version: ctx.host.version,
});
