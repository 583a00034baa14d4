// Grants access to a folder: the native dialog in Electron, a typed path in the browser bridge.
import type { Handler } from './types';
import { ipcFailure } from '../failure';

export const openFolder: Handler<'openFolder'> = async (req, ctx) => {
  let path = req.path;
  if (!path) {
    if (!ctx.host.pickFolder) throw ipcFailure('NEEDS_PATH', 'this host has no folder dialog: send the folder path');
    const picked = await ctx.host.pickFolder();
    if (!picked) return { folder: null };
    path = picked;
  }
  return { folder: await ctx.access.grant(path) };
};
