// Grants access to a folder. Electron: the native dialog, or a folder the user dropped on
// the window (announced by the preload, checked in main); a path the renderer merely names
// is refused, so a compromised renderer cannot open the disk. The browser bridge has no
// dialog: its user (holder of the per-run token) types the path.
import type { Handler } from '../context';
import { EvenlightError } from '../../common/errors';

export const openFolder: Handler<'openFolder'> = async (req, ctx) => {
  let path = req.path;
  if (path && ctx.host.kind === 'electron' && !ctx.host.takeDropped?.(path)) {
    throw new EvenlightError('ACCESS_DENIED', path, 'open a folder with the dialog or by dropping it on the window');
  }
  if (!path) {
    if (!ctx.host.pickFolder) throw new EvenlightError('NEEDS_PATH', '', 'this host has no folder dialog: send the folder path');
    const picked = await ctx.host.pickFolder();
    if (!picked) return { folder: null };
    path = picked;
  }
  return { folder: await ctx.access.grant(path) };
};
