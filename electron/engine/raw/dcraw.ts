/**
 * Camera RAW decoding through an external dcraw-compatible decoder (LibRaw's dcraw_emu or
 * Dave Coffin's dcraw) run as a child process. We ask for 16-bit linear sRGB-primaries
 * output with camera white balance (`-w -4`) as PPM on stdout and convert it to sRGB float
 * while it streams in (a TIFF would need a full extra buffer and decode pass; PPM carries
 * no ICC profile to misapply). Nothing is clipped: DNG BaselineExposure gain can push
 * values above 1, kept as highlight headroom for the float pipeline.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { EvenlightError, fromNodeError, throwIfAborted } from '../errors';
import type { RgbFloat } from '../image/types';
import { reserveFloats } from '../image/prefault';
import { checkHeader, tooLarge, type HeaderInfo } from '../image/header';
import { HEAD_BYTES } from '../image/format';
import { ppmToFloat } from './ppm-stream';
import { linearToSrgbLut } from '../image/srgb';
import { decoderTimeoutMs, guardedCommand } from './child-guard';
import { nativeBinDirs } from '../settings';

export type DecoderName = 'dcraw_emu' | 'dcraw';

export interface Decoder {
  name: DecoderName;
  path: string;
  /** Where it came from: the packaged native-bin folder or the system PATH. */
  source: 'native-bin' | 'PATH' | 'explicit';
  /** Folder holding bundled shared libraries (native-bin), added to the loader path. */
  libDir?: string;
}

export interface RawDecodeOptions {
  /** dcraw -h: half-size demosaic (fast previews). */
  halfSize?: boolean;
  signal?: AbortSignal;
  /** Gain in EV applied on top of the file's DNG BaselineExposure (default 0). */
  exposureEv?: number;
  /** Apply DNG BaselineExposure (default true). */
  baselineExposure?: boolean;
  /** Use this decoder (a Decoder or an executable path) instead of resolving one. */
  decoder?: Decoder | string;
  /** Refuse outputs larger than this many pixels (the header is checked before by io.ts). */
  maxPixels?: number;
  /** The head as readImage read and checked it: not read or checked again. */
  rawHead?: RawHead;
}

export interface RawDecodeInfo {
  decoder: DecoderName | 'libraw-wasm';
  decoderPath: string;
  decoderVersion: string;
  halfSize: boolean;
  /** Linear gain applied before the sRGB encode (2^(BaselineExposure + exposureEv)). */
  gain: number;
  baselineExposureEv: number;
  /** Largest encoded value in the result; > 1 means headroom was kept. */
  maxValue: number;
}

const platformDir = `${process.platform}-${process.arch}`;
const exe = process.platform === 'win32' ? '.exe' : '';

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a decoder: native-bin first (dcraw_emu, then dcraw), then PATH. Returns null when
 * none is installed. `opts` overrides the search places (tests, diagnostics).
 */
export function resolveDecoder(opts: { nativeDirs?: string[]; pathEnv?: string } = {}): Decoder | null {
  const names: DecoderName[] = ['dcraw_emu', 'dcraw'];
  for (const dir of opts.nativeDirs ?? nativeBinDirs()) {
    for (const name of names) {
      const p = join(dir, name + exe);
      if (isExecutable(p)) return { name, path: resolve(p), source: 'native-bin', libDir: resolve(dir) };
    }
  }
  const pathDirs = (opts.pathEnv ?? process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of pathDirs) {
      const p = join(dir, name + exe);
      if (isExecutable(p)) return { name, path: p, source: 'PATH' };
    }
  }
  return null;
}

function decoderFrom(spec: Decoder | string | undefined, file: string): Decoder {
  if (spec && typeof spec !== 'string') return spec;
  if (typeof spec === 'string') {
    if (!isExecutable(spec)) throw new EvenlightError('DECODER_MISSING', file, `RAW decoder not found or not executable: ${spec}`);
    return { name: /dcraw_emu/.test(spec) ? 'dcraw_emu' : 'dcraw', path: spec, source: 'explicit' };
  }
  const d = resolveDecoder();
  if (!d) {
    throw new EvenlightError(
      'DECODER_MISSING',
      file,
      `no RAW decoder found (need dcraw_emu or dcraw in native-bin/${platformDir} or on PATH; e.g. apt install libraw-bin)`,
    );
  }
  return d;
}

function childEnv(d: Decoder): NodeJS.ProcessEnv {
  if (!d.libDir) return process.env;
  const key = process.platform === 'darwin' ? 'DYLD_LIBRARY_PATH' : 'LD_LIBRARY_PATH';
  const prev = process.env[key];
  return { ...process.env, [key]: prev ? `${d.libDir}${delimiter}${prev}` : d.libDir };
}

const versionCache = new Map<string, string>();
const versionProbes = new Map<string, Promise<string>>();

/** What decoderVersion reads: the decoder's usage text and, for a dcraw_emu, where its LibRaw is. */
interface VersionClues {
  usage: string;
  /** `ldd <decoder>` output, when the LibRaw library is not in the decoder's own folder */
  ldd?: string;
}

/** The version from the clues: dcraw prints it in its usage text; dcraw_emu's is its LibRaw's. */
function versionFrom(d: Decoder, clues: VersionClues): string {
  const m = /dcraw"?\s+v(\d+\.\d+)/i.exec(clues.usage);
  if (m) return `dcraw ${m[1]}`;
  if (d.name !== 'dcraw_emu') return 'unknown';
  const lib = bundledLibraw(d) ?? (/libraw(?:_r)?\.so[^\s]*\s+=>\s+(\S+)/.exec(clues.ldd ?? '')?.[1] ?? null);
  if (!lib) return 'unknown';
  let text: string;
  try {
    text = readFileSync(lib).toString('latin1');
  } catch {
    return 'unknown'; // a version is for reports: never a reason to fail a decode
  }
  const v = /(\d+\.\d+\.\d+)-(Release|Beta\d*|Snapshot\w*)/.exec(text);
  return v ? `LibRaw ${v[0]}` : 'unknown';
}

/** `ldd` is asked where LibRaw is only for a dcraw_emu on Linux without a bundled one. */
function needsLdd(d: Decoder): boolean {
  return d.name === 'dcraw_emu' && process.platform === 'linux' && !bundledLibraw(d);
}

/** Decoder version (cached per decoder), found by running it and perhaps `ldd`. */
export function decoderVersion(d: Decoder): string {
  let version = versionCache.get(d.path);
  if (version) return version;
  const usage = spawnSync(d.path, [], { env: childEnv(d), encoding: 'latin1', timeout: 5000 });
  const ldd = needsLdd(d) ? spawnSync('ldd', [d.path], { encoding: 'utf8', timeout: 5000 }).stdout : undefined;
  version = versionFrom(d, { usage: `${usage.stdout ?? ''}${usage.stderr ?? ''}`, ldd });
  versionCache.set(d.path, version);
  return version;
}

/** Output of a short command, '' when it cannot run. */
function outputOf(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done) => {
    execFile(command, args, { env, encoding: 'latin1', timeout: 5000 }, (_err, stdout, stderr) => done(`${stdout ?? ''}${stderr ?? ''}`));
  });
}

/**
 * decoderVersion without blocking, its children started at once. decodeRaw starts it before it
 * allocates the photo: on Linux a child is started by fork(), which marks every page the
 * process has written as copy-on-write, and a probe run after the decode cost each page of the
 * photo a fault on its next write (0.4 s for a 9 MP float photo on the bench machine).
 */
export function probeDecoderVersion(d: Decoder): Promise<string> {
  const known = versionCache.get(d.path);
  if (known) return Promise.resolve(known);
  let probe = versionProbes.get(d.path);
  if (!probe) {
    const usage = outputOf(d.path, [], childEnv(d));
    const ldd = needsLdd(d) ? outputOf('ldd', [d.path]) : undefined;
    probe = Promise.all([usage, ldd]).then(([u, l]) => {
      const version = versionFrom(d, { usage: u, ldd: l });
      versionCache.set(d.path, version);
      return version;
    });
    versionProbes.set(d.path, probe);
  }
  return probe;
}

/** The LibRaw library bundled next to a native-bin decoder, if any. */
function bundledLibraw(d: Decoder): string | null {
  if (!d.libDir) return null;
  for (const n of ['libraw.so.20', 'libraw.so.23', 'libraw.so.24', 'libraw.so', 'libraw.dylib']) {
    if (existsSync(join(d.libDir, n))) return join(d.libDir, n);
  }
  return null;
}

/** For `evenlight info`: which decoder will be used and its version, or null. */
export function decoderInfo(): { name: DecoderName; path: string; source: Decoder['source']; version: string } | null {
  const d = resolveDecoder();
  return d ? { name: d.name, path: d.path, source: d.source, version: decoderVersion(d) } : null;
}

/** Arguments for 16-bit linear PPM on stdout with camera white balance. */
export function decoderArgs(d: Decoder, file: string, opts: { halfSize?: boolean; thumbnail?: boolean }): string[] {
  const abs = resolve(file); // absolute: a name starting with '-' must not parse as an option
  if (opts.thumbnail) return ['-e', '-c', abs]; // dcraw only; dcraw_emu has no -e
  const common = ['-w', '-4', ...(opts.halfSize ? ['-h'] : [])];
  // LibRaw by default rescales to the brightest pixel when it exceeds 75 % of the white
  // level (-c 0.75), which makes exposure depend on content; -c 0 keeps the true scale.
  return d.name === 'dcraw_emu' ? [...common, '-c', '0', '-Z', '-', abs] : ['-c', ...common, abs];
}

/**
 * Runs the decoder and collects stdout, or hands each chunk to `onChunk` (then resolves
 * with an empty buffer). Kills the child on abort or when `onChunk` throws.
 */
export function runDecoder(d: Decoder, args: string[], file: string, signal?: AbortSignal, onChunk?: (c: Buffer) => void): Promise<Buffer> {
  throwIfAborted(signal, file);
  return new Promise((resolvePromise, reject) => {
    const run = guardedCommand(d.path, args); // dies with us
    const child = spawn(run.command, run.args, { env: childEnv(d), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const onAbort = (): void => {
      child.kill('SIGKILL');
      finish(new EvenlightError('CANCELLED', file, 'cancelled'));
    };
    const limitMs = decoderTimeoutMs(file);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new EvenlightError('DECODE_FAILED', file, `${d.name} gave no result within ${Math.round(limitMs / 1000)} s (the limit grows with file size); stopped it`));
    }, limitMs);
    const finish = (e: Error | null, data?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolvePromise(data!);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let bytes = 0;
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      if (!onChunk) return void out.push(c);
      try {
        onChunk(c);
      } catch (e) {
        child.kill('SIGKILL');
        finish(e instanceof EvenlightError ? e : new EvenlightError('DECODE_FAILED', file, `${d.name} output unreadable: ${(e as Error).message}`, { cause: e }));
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 4000) err += c.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code === 'ENOENT' || e.code === 'EACCES' ? 'DECODER_MISSING' : 'DECODE_FAILED';
      finish(new EvenlightError(code, file, `cannot run RAW decoder ${d.path}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, sig) => {
      if (code === 0 && bytes > 0) return finish(null, Buffer.concat(out));
      finish(decoderFailure(d, file, err, code, sig));
    });
  });
}

function decoderFailure(d: Decoder, file: string, stderr: string, code: number | null, sig: NodeJS.Signals | null): EvenlightError {
  // The decoders echo the file name; drop it so our message names the file once.
  const detail = stderr
    .split(/\r?\n/)
    .map((l) => l.split(resolve(file)).join('').replace(/^[:\s]+/, '').trim())
    .filter((l) => l && !/^(Loading|Scaling|multipliers|Converting|Writing|AHD|VNG|PPG|DCB)/i.test(l))
    .join('; ');
  const status = sig ? `killed by ${sig}` : `exit code ${code}`;
  if (/unexpected end|truncat|premature|end of file|corrupt|i\/o error|data error/i.test(detail)) {
    return new EvenlightError('TRUNCATED', file, `RAW file is truncated or corrupt (${d.name}: ${detail || status})`);
  }
  if (/cannot decode|cannot open|cannot unpack|unsupported|not supported|identify|input\/output error/i.test(detail)) {
    return new EvenlightError('DECODE_FAILED', file, `${d.name} cannot decode this RAW file (${detail})`);
  }
  return new EvenlightError('DECODE_FAILED', file, `${d.name} failed (${status}${detail ? `: ${detail}` : ', no output'})`);
}

/** DNG BaselineExposure (tag 50730, SRATIONAL in IFD0) from the file head, else 0. */
export function readBaselineExposure(head: Uint8Array): number {
  if (head.length < 8) return 0;
  const le = head[0] === 0x49 && head[1] === 0x49;
  const be = head[0] === 0x4d && head[1] === 0x4d;
  if (!le && !be) return 0;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const ifd = dv.getUint32(4, le);
  if (ifd + 2 > head.length) return 0;
  const n = dv.getUint16(ifd, le);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > head.length) break;
    if (dv.getUint16(e, le) !== 50730) continue;
    const at = dv.getUint32(e + 8, le);
    if (at + 8 > head.length) return 0;
    const den = dv.getInt32(at + 4, le);
    return den ? dv.getInt32(at, le) / den : 0;
  }
  return 0;
}

/** Decodes a camera RAW to sRGB-encoded float (values may exceed 1). */
export async function decodeRaw(path: string, opts: RawDecodeOptions = {}): Promise<{ image: RgbFloat; info: RawDecodeInfo }> {
  const d = decoderFrom(opts.decoder, path);
  const halfSize = !!opts.halfSize;
  const { head, info } = opts.rawHead ?? openRawHead(path, halfSize, opts.maxPixels);
  // before the photo's memory exists (probeDecoderVersion says why)
  const version = probeDecoderVersion(d);
  // The decoder computes for seconds before its first byte: fault in the output's pages
  // meanwhile (the sensor size from the header; any other size gets a fresh array).
  const reserved = reserveFloats(expectedFloats(info, halfSize));
  const baseline = opts.baselineExposure === false ? 0 : readBaselineExposure(head);
  const gain = Math.pow(2, baseline + (opts.exposureEv ?? 0));
  const sink = ppmToFloat(
    (maxval) => linearToSrgbLut(maxval, gain),
    (h) => {
      if (opts.maxPixels && h.width * h.height > opts.maxPixels) {
        throw tooLarge(path, h.width, h.height, opts.maxPixels);
      }
    },
    (n) => reserved.take(n),
  );
  try {
    await runDecoder(d, decoderArgs(d, path, { halfSize }), path, opts.signal, (c) => sink.push(c));
  } finally {
    reserved.stop();
  }
  throwIfAborted(opts.signal, path);
  let image: RgbFloat;
  try {
    image = sink.finish();
  } catch (err) {
    throw new EvenlightError('DECODE_FAILED', path, `${d.name}: ${(err as Error).message}`, { cause: err });
  }
  const maxValue = sink.maxValue();
  return {
    image,
    info: { decoder: d.name, decoderPath: d.path, decoderVersion: await version, halfSize, gain, baselineExposureEv: baseline, maxValue },
  };
}

/** Embedded preview JPEG via `dcraw -e -c`, or null when unavailable (dcraw_emu lacks -e). */
export async function extractRawPreview(path: string, signal?: AbortSignal): Promise<Buffer | null> {
  const found = resolveDecoder();
  const d = found?.name === 'dcraw' ? found : resolveDcrawOnly();
  if (!d) return null;
  try {
    const buf = await runDecoder(d, decoderArgs(d, path, { thumbnail: true }), path, signal);
    return buf[0] === 0xff && buf[1] === 0xd8 ? buf : null; // PPM bitmaps: decode instead
  } catch (err) {
    if (err instanceof EvenlightError && err.code === 'CANCELLED') throw err;
    return null;
  }
}

function resolveDcrawOnly(): Decoder | null {
  for (const dir of nativeBinDirs()) {
    const p = join(dir, 'dcraw' + exe);
    if (isExecutable(p)) return { name: 'dcraw', path: resolve(p), source: 'native-bin', libDir: resolve(dir) };
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'dcraw' + exe);
    if (isExecutable(p)) return { name: 'dcraw', path: p, source: 'PATH' };
  }
  return null;
}

function readHead(path: string): { head: Buffer; size: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const n = readSync(fd, head, 0, head.length, 0);
    return { head: head.subarray(0, n), size };
  } finally {
    closeSync(fd);
  }
}

/** A RAW file's head, read and checked before any decoder runs (native or WebAssembly). */
export interface RawHead {
  head: Buffer;
  size: number;
  /** what header.ts checkHeader found: the sensor size when the directories give it */
  info: HeaderInfo;
}

/**
 * Reads the head of a RAW file and refuses an empty, truncated or oversized one in the words
 * readImage uses (header.ts checkHeader). readImage passes the head it already read and
 * checked instead (RawDecodeOptions.rawHead), so a photo's head is read and checked once.
 */
export function openRawHead(path: string, halfSize: boolean, maxPixels?: number): RawHead {
  let head: Buffer;
  let size: number;
  try {
    ({ head, size } = readHead(path));
  } catch (err) {
    throw fromNodeError(err, path) ?? new EvenlightError('NOT_FOUND', path, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  if (size === 0) throw new EvenlightError('EMPTY', path, 'file is empty (0 bytes)');
  return { head, size, info: checkHeader(path, head, 'raw', size, maxPixels ?? Infinity, halfSize ? 4 : 1) };
}

/** Floats of the decoded image when the head gives the sensor size (to fault its pages in early), else 0. */
export function expectedFloats(info: HeaderInfo, halfSize: boolean): number {
  if (!info.width || !info.height) return 0;
  return (halfSize ? (info.width >> 1) * (info.height >> 1) : info.width * info.height) * 3;
}
