/**
 * Lights hidden from the network's view of a dark frame.
 *
 * A lamp, a street light or a lit window in a night or indoor frame is clipped white in the
 * thumbnail, and the network reads clipped highlights as over-exposure: it holds the whole frame
 * darker (a room at −2.5 EV came out at a level of 0.36 where its fusion is 0.49; with its lamps
 * hidden, 0.43). In a dark frame a clipped pixel is a light source, not a sign that the frame was
 * over-exposed, so there the network is shown those pixels as the median grey of the rest. In
 * brighter frames clipped pixels keep their say: there they are often a window or sky that the
 * fusion does pull down (dev chose the gate; MODEL_CARD, Evaluation).
 *
 *   hideLights(thumb) -> the thumbnail [1,3,n,n] as the network should see it: the same array
 *                        when nothing is hidden, else a copy
 */
import { LUMA_B, LUMA_G, LUMA_R } from './curve-apply';

/** A thumbnail pixel whose brightest channel reaches this is clipped (area-averaged, so a lamp's core). */
export const CLIPPED = 0.98;
/** Only frames whose mean log2(Y + 1/512) is at most this (dev: −2.5 and −3 over-lifted rooms
 * with a daylight window at −2 EV, −4 left most night frames as they were). */
export const DARK_LOG2 = -3.5;
/** Only frames with at most this share clipped: more is a bright scene, not lights in a dark one. */
export const MAX_SHARE = 0.3;

export function hideLights(thumb: Float32Array): Float32Array {
  const n = thumb.length / 3;
  const g0 = n;
  const b0 = 2 * n;
  const clipped = new Uint8Array(n);
  const luma = new Float32Array(n);
  let count = 0;
  let logSum = 0;
  for (let i = 0; i < n; i++) {
    const r = thumb[i];
    const g = thumb[g0 + i];
    const b = thumb[b0 + i];
    const y = Math.fround(LUMA_R * r + LUMA_G * g + LUMA_B * b);
    luma[i] = y;
    logSum += Math.log2(y + 1 / 512);
    if (Math.max(r, g, b) >= CLIPPED) {
      clipped[i] = 1;
      count++;
    }
  }
  if (count === 0 || count === n || count > MAX_SHARE * n || logSum / n > DARK_LOG2) return thumb;
  const rest = new Float32Array(n - count);
  for (let i = 0, j = 0; i < n; i++) if (!clipped[i]) rest[j++] = luma[i];
  rest.sort();
  const grey = rest[(rest.length - 1) >> 1]; // the lower middle, as torch.median
  const out = thumb.slice();
  for (let i = 0; i < n; i++) if (clipped[i]) out[i] = out[g0 + i] = out[b0 + i] = grey;
  return out;
}
