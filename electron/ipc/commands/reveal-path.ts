// Shows a file or folder in the OS file manager (Electron's shell.showItemInFolder, which
// never launches it), only inside the opened folders (output folders are always inside
// them: checkWritable). The bridge answers UNAVAILABLE.
import type { Handler } from '../context';
import { EvenlightError } from '../../common/errors';

export const revealPath: Handler<'revealPath'> = async (req, ctx) => {
  const real = await ctx.access.check(req.path);
  if (!ctx.host.reveal) throw new EvenlightError('UNAVAILABLE', real, 'cannot open a file manager from the browser bridge');
  return { opened: await ctx.host.reveal(real) };
};
