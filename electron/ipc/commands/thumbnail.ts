// Small JPEG preview as a data: URL (grid thumbnails, and the editor's "before" image).
import type { Handler } from './types';
import { makeThumbnail } from '../../engine/image/io';

export const thumbnail: Handler<'thumbnail'> = async (req, ctx) => {
  const path = await ctx.access.check(req.path);
  const jpeg = await makeThumbnail(path, req.maxSide);
  return { dataUrl: `data:image/jpeg;base64,${jpeg.toString('base64')}` };
};
