/**
 * Streaming PPM/PGM (P6/P5, 8 or 16 bit, big-endian as the format requires) to RgbFloat,
 * through a lookup table from sample code to output value. The decoder's stdout is
 * converted chunk by chunk as it arrives: no 150 MB intermediate buffer, no second decode
 * of a TIFF container, so a 24 MP raw costs little more than the decoder itself.
 */
import type { RgbFloat } from '../image/types';

export interface PpmHeader {
  channels: 1 | 3;
  width: number;
  height: number;
  maxval: number;
  /** Bytes taken by the header. */
  length: number;
}

/** Parses "P6\n<w> <h>\n<maxval>\n" (comments allowed); null when more bytes are needed. */
export function parsePpmHeader(buf: Uint8Array): PpmHeader | null {
  if (buf.length >= 2 && !(buf[0] === 0x50 && (buf[1] === 0x35 || buf[1] === 0x36))) {
    throw new Error(`unexpected decoder output (starts ${JSON.stringify(String.fromCharCode(buf[0], buf[1]))}, expected PPM)`);
  }
  const fields: string[] = [];
  let i = 0;
  let token = '';
  while (i < buf.length && fields.length < 4) {
    const ch = buf[i];
    if (ch === 0x23 /* # */ && token === '') {
      while (i < buf.length && buf[i] !== 0x0a) i++;
      if (i >= buf.length) return null;
    } else if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) {
      if (token) fields.push(token);
      token = '';
    } else token += String.fromCharCode(ch);
    i++;
  }
  if (fields.length < 4) {
    if (buf.length > 64) throw new Error('output is not a PPM image');
    return null;
  }
  const [magic, w, h, m] = fields;
  if (magic !== 'P6' && magic !== 'P5') throw new Error(`unexpected decoder output (${JSON.stringify(magic.slice(0, 8))}, expected PPM)`);
  const width = Number(w);
  const height = Number(h);
  const maxval = Number(m);
  if (!(width > 0 && height > 0 && maxval > 0 && maxval < 65536)) throw new Error(`bad PPM header ${w}×${h} max ${m}`);
  return { channels: magic === 'P6' ? 3 : 1, width, height, maxval, length: i };
}

// The table is looked up with the sample's bytes as this machine reads a Uint16, so a
// big-endian PPM sample needs no byte shuffling in the hot loop.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A table over every 16-bit word as this host reads it (byte-swapped on little-endian);
 * codes past the decoder's maxval take its last value.
 */
function nativeOrder(lut: Float32Array): Float32Array {
  const t = new Float32Array(65536);
  const last = lut.length - 1;
  for (let c = 0; c < 65536; c++) t[LITTLE_ENDIAN ? ((c & 255) << 8) | (c >> 8) : c] = lut[c < last ? c : last];
  return t;
}

/** out[k0 + i] = lut[u16[i]] for i < n; returns the largest value written (>= mx). */
function lookup(u16: Uint16Array, n: number, out: Float32Array, k0: number, lut: Float32Array, mx: number): number {
  let i = 0;
  // six samples (two pixels) per iteration: V8's per-iteration overhead costs as much as
  // the lookups themselves
  for (; i + 6 <= n; i += 6) {
    const a = lut[u16[i]];
    const b = lut[u16[i + 1]];
    const c = lut[u16[i + 2]];
    const d = lut[u16[i + 3]];
    const e = lut[u16[i + 4]];
    const f = lut[u16[i + 5]];
    const k = k0 + i;
    out[k] = a;
    out[k + 1] = b;
    out[k + 2] = c;
    out[k + 3] = d;
    out[k + 4] = e;
    out[k + 5] = f;
    mx = Math.max(mx, a, b, c, d, e, f);
  }
  for (; i < n; i++) {
    const v = lut[u16[i]];
    out[k0 + i] = v;
    if (v > mx) mx = v;
  }
  return mx;
}

/**
 * Returns a consumer: push() every chunk in order, then finish(). `lutFor(maxval)` maps a
 * sample code (0..maxval) to its output value and must not decrease (the brightest value
 * is tracked on the output); `onHeader` may throw to refuse the image; `alloc(floats)`
 * supplies the output array (zeroing is not required).
 */
export function ppmToFloat(
  lutFor: (maxval: number) => Float32Array,
  onHeader?: (h: PpmHeader) => void,
  alloc: (floats: number) => Float32Array = (n) => new Float32Array(n),
) {
  let header: PpmHeader | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  let out: Float32Array | null = null;
  let lut: Float32Array | null = null;
  let fast: Float32Array | null = null; // 16-bit RGB: the table in native byte order
  let sample = 0; // samples written so far (in source channels)
  let total = 0;
  let bytesPer = 2;
  let maxValue = 0;

  let carry = -1; // first byte of a 16-bit sample split across two chunks
  // 16-bit samples start at odd stream offsets after an odd-length header, so each chunk
  // is copied (a memcpy) into this even-aligned buffer before it is read as Uint16.
  let scratch = new Uint8Array(0);

  function put(code: number): void {
    const v = lut![code];
    if (v > maxValue) maxValue = v;
    if (header!.channels === 3) out![sample] = v;
    else {
      const p = sample * 3;
      out![p] = out![p + 1] = out![p + 2] = v;
    }
    sample++;
  }

  function convertFast(src: Uint8Array, start: number): void {
    const head = carry >= 0 ? 1 : 0;
    const bytes = head + src.length - start;
    const n = Math.min(bytes >> 1, total - sample);
    if (scratch.length < n * 2) scratch = new Uint8Array(Math.max(n * 2, 65536));
    if (head) scratch[0] = carry;
    scratch.set(src.subarray(start, start + n * 2 - head), head);
    maxValue = lookup(new Uint16Array(scratch.buffer, 0, n), n, out!, sample, fast!, maxValue);
    sample += n;
    carry = bytes - n * 2 === 1 && sample < total ? src[src.length - 1] : -1;
  }

  /** Converts `src` from byte `start`; chunks arrive at any byte boundary. */
  function convert(src: Uint8Array, start: number): void {
    if (fast) return convertFast(src, start);
    let s = start;
    if (bytesPer === 2 && carry >= 0 && s < src.length && sample < total) {
      put((carry << 8) | src[s++]);
      carry = -1;
    }
    const n = Math.min(Math.floor((src.length - s) / bytesPer), total - sample);
    for (let k = 0; k < n; k++, s += bytesPer) put(bytesPer === 2 ? (src[s] << 8) | src[s + 1] : src[s]);
    if (bytesPer === 2 && s === src.length - 1 && sample < total) carry = src[s];
  }

  return {
    push(chunk: Uint8Array): void {
      if (header) return convert(chunk, 0);
      // Header phase only: gather bytes until the header is complete.
      const data = new Uint8Array(pending.length + chunk.length);
      data.set(pending);
      data.set(chunk, pending.length);
      const h = parsePpmHeader(data);
      if (!h) {
        pending = data;
        return;
      }
      pending = new Uint8Array(0);
      onHeader?.(h);
      header = h;
      bytesPer = h.maxval > 255 ? 2 : 1;
      total = h.width * h.height * h.channels;
      out = alloc(h.width * h.height * 3);
      lut = lutFor(h.maxval);
      if (h.channels === 3 && bytesPer === 2) fast = nativeOrder(lut);
      convert(data, h.length);
    },
    /** Brightest output value. */
    maxValue(): number {
      return maxValue;
    },
    finish(): RgbFloat {
      if (!header || !out) throw new Error('decoder produced no image');
      if (sample < total) throw new Error(`decoder output ended early (${sample} of ${total} samples)`);
      return { width: header.width, height: header.height, data: out };
    },
  };
}
