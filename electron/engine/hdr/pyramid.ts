// Gaussian / Laplacian pyramids with OpenCV's exact pyrDown / pyrUp arithmetic, so that
// exposure fusion built on them reproduces cv2.createMergeMertens().
//
// Planes are interleaved float32 with `channels` values per pixel.
//  - pyrDown: 5-tap [1 4 6 4 1]/16 separable, BORDER_REFLECT_101, output ((w+1)/2, (h+1)/2).
//  - pyrUp: zero-insertion + 5-tap kernel x4 (= [1 6 1]/8 at even, [4 4]/8 at odd outputs);
//    OpenCV's source-index mapping reflect101(2i, 2n)/2 mirrors the first row/column and
//    *replicates* the last one; an odd extra output column copies column 2n-1 and an extra
//    output row copies row 2h-2 (both as OpenCV does).
import { reflect101 } from '../image/reflect';

export interface FloatPlanes {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export function pyrDown(src: FloatPlanes): FloatPlanes {
  const { width: sw, height: sh, channels: cn, data: s } = src;
  const dw = (sw + 1) >> 1;
  const dh = (sh + 1) >> 1;
  // horizontal pass on every source row, decimated to dw columns
  const tmp = new Float32Array(sh * dw * cn);
  const xi = new Int32Array(dw * 5);
  for (let x = 0; x < dw; x++) for (let k = 0; k < 5; k++) xi[x * 5 + k] = reflect101(2 * x - 2 + k, sw) * cn;
  for (let y = 0; y < sh; y++) {
    const so = y * sw * cn;
    const to = y * dw * cn;
    if (cn === 3) {
      for (let x = 0, t = to; x < dw; x++, t += 3) {
        const b = x * 5;
        const i0 = so + xi[b], i1 = so + xi[b + 1], i2 = so + xi[b + 2], i3 = so + xi[b + 3], i4 = so + xi[b + 4];
        tmp[t] = s[i2] * 6 + (s[i1] + s[i3]) * 4 + s[i0] + s[i4];
        tmp[t + 1] = s[i2 + 1] * 6 + (s[i1 + 1] + s[i3 + 1]) * 4 + s[i0 + 1] + s[i4 + 1];
        tmp[t + 2] = s[i2 + 2] * 6 + (s[i1 + 2] + s[i3 + 2]) * 4 + s[i0 + 2] + s[i4 + 2];
      }
      continue;
    }
    for (let x = 0; x < dw; x++) {
      const b = x * 5;
      const i0 = so + xi[b], i1 = so + xi[b + 1], i2 = so + xi[b + 2], i3 = so + xi[b + 3], i4 = so + xi[b + 4];
      for (let c = 0; c < cn; c++) {
        tmp[to + x * cn + c] = s[i2 + c] * 6 + (s[i1 + c] + s[i3 + c]) * 4 + s[i0 + c] + s[i4 + c];
      }
    }
  }
  const out = new Float32Array(dw * dh * cn);
  const rowLen = dw * cn;
  for (let y = 0; y < dh; y++) {
    const r0 = reflect101(2 * y - 2, sh) * rowLen;
    const r1 = reflect101(2 * y - 1, sh) * rowLen;
    const r2 = reflect101(2 * y, sh) * rowLen;
    const r3 = reflect101(2 * y + 1, sh) * rowLen;
    const r4 = reflect101(2 * y + 2, sh) * rowLen;
    const o = y * rowLen;
    for (let x = 0; x < rowLen; x++) {
      out[o + x] = (tmp[r2 + x] * 6 + (tmp[r1 + x] + tmp[r3 + x]) * 4 + tmp[r0 + x] + tmp[r4 + x]) * (1 / 256);
    }
  }
  return { width: dw, height: dh, channels: cn, data: out };
}

/** Source index used by OpenCV's pyrUp for neighbour i of an n-long axis. */
function upIndex(i: number, n: number): number {
  return reflect101(2 * i, 2 * n) >> 1;
}

/** pyrUp to (dw, dh); each must be 2n or 2n±1 as OpenCV requires. */
export function pyrUp(src: FloatPlanes, dw = src.width * 2, dh = src.height * 2): FloatPlanes {
  const { width: sw, height: sh, channels: cn, data: s } = src;
  if (Math.abs(dw - sw * 2) !== dw % 2 || Math.abs(dh - sh * 2) !== dh % 2) {
    throw new Error(`pyrUp: cannot go from ${sw}x${sh} to ${dw}x${dh}`);
  }
  // horizontal pass: every source row expanded to 2*sw (+1) columns, unnormalised (x8)
  const hw = Math.max(dw, sw * 2);
  const hLen = hw * cn;
  const tmp = new Float32Array(sh * hLen);
  const li = new Int32Array(sw);
  const ri = new Int32Array(sw);
  for (let x = 0; x < sw; x++) {
    li[x] = upIndex(x - 1, sw) * cn;
    ri[x] = upIndex(x + 1, sw) * cn;
  }
  for (let y = 0; y < sh; y++) {
    const so = y * sw * cn;
    const to = y * hLen;
    if (cn === 3) {
      for (let x = 0, m = so, e = to; x < sw; x++, m += 3, e += 6) {
        const l = so + li[x], r = so + ri[x];
        const m0 = s[m], m1 = s[m + 1], m2 = s[m + 2];
        const r0 = s[r], r1 = s[r + 1], r2 = s[r + 2];
        tmp[e] = s[l] + m0 * 6 + r0;
        tmp[e + 1] = s[l + 1] + m1 * 6 + r1;
        tmp[e + 2] = s[l + 2] + m2 * 6 + r2;
        tmp[e + 3] = (m0 + r0) * 4;
        tmp[e + 4] = (m1 + r1) * 4;
        tmp[e + 5] = (m2 + r2) * 4;
      }
    } else {
      for (let x = 0; x < sw; x++) {
        const l = so + li[x];
        const m = so + x * cn;
        const r = so + ri[x];
        const e = to + 2 * x * cn;
        for (let c = 0; c < cn; c++) {
          tmp[e + c] = s[l + c] + s[m + c] * 6 + s[r + c];
          tmp[e + cn + c] = (s[m + c] + s[r + c]) * 4;
        }
      }
    }
    if (dw > sw * 2) for (let c = 0; c < cn; c++) tmp[to + (dw - 1) * cn + c] = tmp[to + (2 * sw - 1) * cn + c];
  }
  const out = new Float32Array(dw * dh * cn);
  const dLen = dw * cn;
  for (let y = 0; y < sh; y++) {
    const r0 = upIndex(y - 1, sh) * hLen;
    const r1 = y * hLen;
    const r2 = upIndex(y + 1, sh) * hLen;
    const o0 = 2 * y * dLen;
    for (let x = 0; x < dLen; x++) out[o0 + x] = (tmp[r0 + x] + tmp[r1 + x] * 6 + tmp[r2 + x]) * (1 / 64);
    if (2 * y + 1 < dh) {
      const o1 = (2 * y + 1) * dLen;
      for (let x = 0; x < dLen; x++) out[o1 + x] = (tmp[r1 + x] + tmp[r2 + x]) * 4 * (1 / 64);
    }
  }
  if (dh > sh * 2) out.copyWithin(sh * 2 * dLen, (sh * 2 - 2) * dLen, (sh * 2 - 1) * dLen);
  return { width: dw, height: dh, channels: cn, data: out };
}

/** Levels 0..maxLevel, level 0 being the input itself (not copied), like cv::buildPyramid. */
export function gaussianPyramid(src: FloatPlanes, maxLevel: number): FloatPlanes[] {
  const pyr = [src];
  for (let l = 1; l <= maxLevel; l++) pyr.push(pyrDown(pyr[l - 1]));
  return pyr;
}

/** Turns a Gaussian pyramid into a Laplacian one in place (last level stays Gaussian). */
export function toLaplacian(pyr: FloatPlanes[]): FloatPlanes[] {
  for (let l = 0; l < pyr.length - 1; l++) {
    const up = pyrUp(pyr[l + 1], pyr[l].width, pyr[l].height);
    const d = pyr[l].data;
    for (let i = 0; i < d.length; i++) d[i] -= up.data[i];
  }
  return pyr;
}

/** Collapses a Laplacian pyramid in place; returns level 0. */
export function collapseLaplacian(pyr: FloatPlanes[]): FloatPlanes {
  for (let l = pyr.length - 1; l > 0; l--) {
    const up = pyrUp(pyr[l], pyr[l - 1].width, pyr[l - 1].height);
    const d = pyr[l - 1].data;
    for (let i = 0; i < d.length; i++) d[i] += up.data[i];
  }
  return pyr[0];
}
