// Radiance RGBE (.hdr) reader and writer for linear radiance maps.
// Writer: "#?RADIANCE", FORMAT=32-bit_rle_rgbe, "-Y h +X w", new-style RLE scanlines
// (flat when the width is outside 8..32767, where RLE is not allowed); atomic write.
// Reader: "#?RADIANCE" or "#?RGBE" magic, any other header lines (VIEW=, GAMMA=, comments,
// software lines) in any order, EXPOSURE= (multiplied; values are divided by it to give
// radiance, as the format defines), new-style RLE, old-style RLE and flat scanlines,
// -Y/+Y and +X/-X orientations.
import { readFile } from 'node:fs/promises';
import type { RgbFloat } from '../image/types';
import { EvenlightError, fromNodeError } from '../errors';
import { writeFileAtomic } from '../atomic-write';

export interface HdrImage {
  image: RgbFloat;
  /** product of the EXPOSURE= lines (already divided out of `image`) */
  exposure: number;
  /** header lines other than magic, FORMAT and the blank line */
  header: string[];
}

function toRgbe(r: number, g: number, b: number, out: Uint8Array, o: number): void {
  const v = Math.max(r, g, b);
  if (!(v > 1e-32)) {
    out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
    return;
  }
  let e = Math.floor(Math.log2(v)) + 1;
  let m = v / 2 ** e;
  if (m >= 1) { m /= 2; e++; }
  if (m < 0.5) { m *= 2; e--; }
  if (e > 127) { e = 127; m = 255 / 256; }
  const scale = (m * 256) / v;
  out[o] = Math.min(255, Math.max(0, Math.floor(r * scale)));
  out[o + 1] = Math.min(255, Math.max(0, Math.floor(g * scale)));
  out[o + 2] = Math.min(255, Math.max(0, Math.floor(b * scale)));
  out[o + 3] = e + 128;
}

/** Run-length encodes one component plane of a scanline (Radiance new-style). */
function rleBytes(src: Uint8Array, out: number[]): void {
  const n = src.length;
  let i = 0;
  while (i < n) {
    // find the next run of >= 4 equal bytes
    let runStart = i, runLen = 0;
    while (runStart < n) {
      runLen = 1;
      while (runStart + runLen < n && runLen < 127 && src[runStart + runLen] === src[runStart]) runLen++;
      if (runLen >= 4) break;
      runStart += runLen;
    }
    if (runLen < 4) runStart = n;
    // literal bytes before the run, at most 128 per packet
    while (i < runStart) {
      const cnt = Math.min(128, runStart - i);
      out.push(cnt);
      for (let k = 0; k < cnt; k++) out.push(src[i + k]);
      i += cnt;
    }
    if (runStart < n) {
      out.push(128 + runLen, src[runStart]);
      i = runStart + runLen;
    }
  }
}

export function encodeHdr(image: RgbFloat): Buffer {
  const { width: w, height: h, data } = image;
  const head = Buffer.from(`#?RADIANCE\n# written by Evenlight\nFORMAT=32-bit_rle_rgbe\n\n-Y ${h} +X ${w}\n`, 'latin1');
  const chunks: Buffer[] = [head];
  const row = new Uint8Array(w * 4);
  const rle = w >= 8 && w < 32768;
  const plane = new Uint8Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y * w + x) * 3;
      toRgbe(data[j], data[j + 1], data[j + 2], row, x * 4);
    }
    if (!rle) {
      chunks.push(Buffer.from(row));
      continue;
    }
    const out: number[] = [2, 2, w >> 8, w & 255];
    for (let c = 0; c < 4; c++) {
      for (let x = 0; x < w; x++) plane[x] = row[x * 4 + c];
      rleBytes(plane, out);
    }
    chunks.push(Buffer.from(out));
  }
  return Buffer.concat(chunks);
}

/** Atomic write: temp file next to the target, then rename. */
export async function writeHdr(path: string, image: RgbFloat): Promise<void> {
  await writeFileAtomic(path, encodeHdr(image));
}

function bad(file: string, why: string): EvenlightError {
  return new EvenlightError('DECODE_FAILED', file, `not a valid Radiance .hdr file: ${why}`);
}

export function decodeHdr(buf: Buffer, file = ''): HdrImage {
  let pos = 0;
  const line = (): string => {
    const end = buf.indexOf(10, pos);
    if (end < 0) throw bad(file, 'header is truncated');
    const s = buf.toString('latin1', pos, end).replace(/\r$/, '');
    pos = end + 1;
    return s;
  };
  const magic = line();
  if (magic !== '#?RADIANCE' && magic !== '#?RGBE') throw bad(file, `unknown signature "${magic.slice(0, 20)}"`);
  let exposure = 1;
  const header: string[] = [];
  let format = '';
  for (;;) {
    const l = line();
    if (l === '') break;
    if (l.startsWith('FORMAT=')) format = l.slice(7).trim();
    else {
      if (l.startsWith('EXPOSURE=')) {
        const e = Number(l.slice(9).trim());
        if (!(e > 0)) throw bad(file, `bad EXPOSURE line "${l}"`);
        exposure *= e;
      }
      header.push(l);
    }
  }
  if (format && format !== '32-bit_rle_rgbe') throw new EvenlightError('UNSUPPORTED', file, `Radiance format ${format} is not supported (only 32-bit_rle_rgbe)`);
  const res = /^([-+])Y\s+(\d+)\s+([-+])X\s+(\d+)$/.exec(line().trim());
  if (!res) throw bad(file, 'unsupported or missing resolution line (expected "-Y h +X w")');
  const h = Number(res[2]), w = Number(res[4]);
  const flipY = res[1] === '+', flipX = res[3] === '-';
  if (w <= 0 || h <= 0) throw bad(file, 'empty image');
  const rgbe = new Uint8Array(w * h * 4);
  const need = (k: number): void => {
    if (pos + k > buf.length) throw bad(file, 'pixel data is truncated');
  };
  for (let y = 0; y < h; y++) {
    const o = y * w * 4;
    need(4);
    if (w >= 8 && w < 32768 && buf[pos] === 2 && buf[pos + 1] === 2 && (buf[pos + 2] & 128) === 0) {
      if (((buf[pos + 2] << 8) | buf[pos + 3]) !== w) throw bad(file, `scanline ${y} length does not match width`);
      pos += 4;
      for (let c = 0; c < 4; c++) {
        let x = 0;
        while (x < w) {
          need(1);
          let cnt = buf[pos++];
          if (cnt > 128) {
            cnt -= 128;
            need(1);
            if (x + cnt > w) throw bad(file, `run overflows scanline ${y}`);
            const v = buf[pos++];
            for (let k = 0; k < cnt; k++) rgbe[o + (x++) * 4 + c] = v;
          } else {
            if (cnt === 0 || x + cnt > w) throw bad(file, `bad run length in scanline ${y}`);
            need(cnt);
            for (let k = 0; k < cnt; k++) rgbe[o + (x++) * 4 + c] = buf[pos++];
          }
        }
      }
    } else {
      // flat pixels, possibly with old-style runs (1,1,1,n repeats the previous pixel)
      let x = 0, shift = 0;
      while (x < w) {
        need(4);
        if (buf[pos] === 1 && buf[pos + 1] === 1 && buf[pos + 2] === 1) {
          if (x === 0) throw bad(file, `run with no pixel to repeat in scanline ${y}`);
          const cnt = buf[pos + 3] << shift;
          if (x + cnt > w) throw bad(file, `run overflows scanline ${y}`);
          for (let k = 0; k < cnt; k++, x++) rgbe.copyWithin(o + x * 4, o + (x - 1) * 4, o + x * 4);
          shift += 8;
          pos += 4;
        } else {
          rgbe.set(buf.subarray(pos, pos + 4), o + x * 4);
          x++;
          shift = 0;
          pos += 4;
        }
      }
    }
  }
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const ty = flipY ? h - 1 - y : y;
    for (let x = 0; x < w; x++) {
      const tx = flipX ? w - 1 - x : x;
      const s = (y * w + x) * 4;
      const d = (ty * w + tx) * 3;
      const e = rgbe[s + 3];
      if (e === 0) continue;
      const f = 2 ** (e - 136) / exposure;
      data[d] = (rgbe[s] + 0.5) * f;
      data[d + 1] = (rgbe[s + 1] + 0.5) * f;
      data[d + 2] = (rgbe[s + 2] + 0.5) * f;
    }
  }
  return { image: { width: w, height: h, data }, exposure, header };
}

export async function readHdr(path: string): Promise<HdrImage> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw fromNodeError(err, path) ?? new EvenlightError('DECODE_FAILED', path, (err as Error).message);
  }
  if (buf.length === 0) throw new EvenlightError('EMPTY', path, 'file is empty');
  return decodeHdr(buf, path);
}
