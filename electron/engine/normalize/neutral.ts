/**
 * A black-and-white photo stays black and white. The network's colour step (its white
 * balance, global and for the darkest values) was learnt on colour photos; on a grey one its
 * gains tint every pixel (the shared data's three black-and-white brackets came out with a cast
 * of up to 1.0 in CIELAB; the model card, Architecture). The applier keeps neutrals neutral once
 * its gains are equal, so a grey photo needs only that.
 *
 * Grey is read from the network's own thumbnail: a photo whose channels agree there to within
 * a code everywhere. A greyscale file decodes with R = G = B exactly, and so does a black-and-
 * white JPEG stored as RGB (its chroma is exactly neutral); the darkest colour frames of the
 * shared data differ by 20 codes or more somewhere. A metering region is read the same way: a
 * region with no colour in it gives the network nothing to balance.
 *
 *   chromaSpread(thumb) -> number        (planes [1,3,S,S] in 0..1: the largest channel difference)
 *   isNeutral(thumb) -> boolean          (that spread within NEUTRAL_TOLERANCE)
 *   neutralColour(t) -> CurveTransform   (the same curves, gains of 1)
 */
import type { CurveTransform } from './curve-apply';

/** Largest channel difference, in 0..1, at which a thumbnail still reads as black and white. */
export const NEUTRAL_TOLERANCE = 1 / 255;

/** The largest |R − G| or |B − G| of a thumbnail's pixels, in 0..1. */
export function chromaSpread(thumb: Float32Array): number {
  const n = thumb.length / 3;
  let most = 0;
  for (let i = 0; i < n; i++) {
    const g = thumb[n + i];
    most = Math.max(most, Math.abs(thumb[i] - g), Math.abs(thumb[2 * n + i] - g));
  }
  return most;
}

export function isNeutral(thumb: Float32Array): boolean {
  return chromaSpread(thumb) <= NEUTRAL_TOLERANCE;
}

/** The transform with its white balance (and its dark balance) at one: saturation has no grey to act on. */
export function neutralColour(t: CurveTransform): CurveTransform {
  return { ...t, wb: [1, 1, 1], wbDark: [1, 1, 1] };
}
