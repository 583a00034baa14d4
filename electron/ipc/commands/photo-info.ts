// EXIF summary for the grid's badges and the editor's info panel.
import type { Handler } from '../context';
import { readExif } from '../../engine';

export const photoInfo: Handler<'photoInfo'> = async (req, ctx) => {
  const path = await ctx.access.check(req.path);
  const x = await readExif(path);
  return {
    path,
    exif: {
      make: x.make ?? null,
      model: x.model ?? null,
      lens: x.lens ?? null,
      exposureTime: x.exposureTime ?? null,
      iso: x.iso ?? null,
      fNumber: x.fNumber ?? null,
      evBias: x.exposureBias ?? null,
      captureTime: x.captureTime ?? null,
      width: x.width ?? null,
      height: x.height ?? null,
    },
  };
};
