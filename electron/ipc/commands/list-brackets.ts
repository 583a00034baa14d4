// Bracket groups of an opened folder (the engine groups by EXIF capture time and exposure).
import { basename } from 'node:path';
import type { Handler } from '../context';
import { scanBracketDir } from '../../engine';

export const listBrackets: Handler<'listBrackets'> = async (req, ctx) => {
  const folder = await ctx.access.check(req.folder);
  const scan = await scanBracketDir(folder);
  return {
    brackets: scan.brackets.map((b, i) => {
      const frames = b.frames.map((f) => f.path);
      const first = basename(frames[0]);
      const last = basename(frames[frames.length - 1]);
      return { id: `g${i + 1}`, name: `${first} … ${last}`, frames };
    }),
  };
};
