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

/**
 * Returns a consumer: push() every chunk in order, then finish(). `lutFor(maxval)` maps a
 * sample code (0..maxval) to its output value; `onHeader` may throw to refuse the image.
 */
export function ppmToFloat(lutFor: (maxval: number) => Float32Array, onHeader?: (h: PpmHeader) => void) {
  let header: PpmHeader | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  let out: Float32Array | null = null;
  let lut: Float32Array | null = null;
  let sample = 0; // samples written so far (in source channels)
  let total = 0;
  let bytesPer = 2;

  let carry = -1; // high byte of a 16-bit sample split across two chunks
  let maxCode = 0;

  function put(code: number): void {
    if (code > maxCode) maxCode = code;
    const v = lut![code];
    if (header!.channels === 3) out![sample] = v;
    else {
      const p = sample * 3;
      out![p] = out![p + 1] = out![p + 2] = v;
    }
    sample++;
  }

  /** Converts `src` from byte `start`; chunks arrive at any byte boundary. */
  function convert(src: Uint8Array, start: number): void {
    let s = start;
    if (bytesPer === 2 && carry >= 0 && s < src.length && sample < total) {
      put((carry << 8) | src[s++]);
      carry = -1;
    }
    const o = out!;
    const l = lut!;
    const n = Math.min(Math.floor((src.length - s) / bytesPer), total - sample);
    let mx = maxCode;
    if (header!.channels === 3 && bytesPer === 2) {
      // Hot loop: one table lookup per sample, no allocation, no copies.
      let k = sample;
      const end = sample + n;
      for (; k < end; k++, s += 2) {
        const c = (src[s] << 8) | src[s + 1];
        if (c > mx) mx = c;
        o[k] = l[c];
      }
      sample = end;
      maxCode = mx;
    } else {
      for (let k = 0; k < n; k++, s += bytesPer) put(bytesPer === 2 ? (src[s] << 8) | src[s + 1] : src[s]);
    }
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
      out = new Float32Array(h.width * h.height * 3);
      lut = lutFor(h.maxval);
      convert(data, h.length);
    },
    /** Brightest output value (table value of the largest sample code seen). */
    maxValue(): number {
      return lut ? lut[maxCode] : 0;
    },
    finish(): RgbFloat {
      if (!header || !out) throw new Error('decoder produced no image');
      if (sample < total) throw new Error(`decoder output ended early (${sample} of ${total} samples)`);
      return { width: header.width, height: header.height, data: out };
    },
  };
}
