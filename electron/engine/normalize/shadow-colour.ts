/**
 * The photographer's say over a lifted frame's shadow colour. The network gives the darkest
 * input values a saturation of their own (`satDark`, curve-apply.ts), learnt low: in a real
 * bracket's dark frame that colour is mostly noise and the camera's crushed channels, and
 * lifting it made casts. A clean dark photo loses its colour with it (Kodak's red door pushed
 * 5 stops down through a camera's toe comes out grey; the model card, Limits). The model cannot
 * tell the two apart from the frame, so the choice is the user's: 0 keeps the model's, 1 gives
 * the shadows the saturation of the rest of the photo. Global and bounded, as the colour step is.
 *
 *   withShadowColour(t, amount) -> CurveTransform   (satDark moved `amount` of the way up to sat)
 */
import type { CurveTransform } from './curve-apply';

export function withShadowColour(t: CurveTransform, amount: number): CurveTransform {
  // never lower: where the network already gave the shadows more than the rest, keep it
  const target = Math.max(t.sat, t.satDark);
  return amount === 0 ? t : { ...t, satDark: t.satDark + amount * (target - t.satDark) };
}
