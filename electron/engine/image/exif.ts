/**
 * Exposure-relevant EXIF as a flat summary, read with exifr. Works for JPEG, TIFF, PNG,
 * WebP and TIFF-based raws (DNG, NEF, CR2, ARW, ...). A file without EXIF (or with EXIF
 * exifr cannot parse) yields an empty summary; only a missing/unreadable file throws.
 */
import { access, constants, open } from 'node:fs/promises';
import exifr from 'exifr';
import { fromNodeError } from '../errors';
import { detectRawMagic, tiffLayout } from '../raw/detect';

export interface ExifSummary {
  /** seconds */
  exposureTime?: number;
  iso?: number;
  fNumber?: number;
  /** exposure compensation in EV */
  exposureBias?: number;
  /** local capture time as ISO 8601 ("2024-05-01T10:20:30.45", with offset when recorded) */
  captureTime?: string;
  make?: string;
  model?: string;
  lens?: string;
  orientation?: number;
  width?: number;
  height?: number;
}

type Raw = Record<string, unknown>;

function num(v: unknown): number | undefined {
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const s = v.replace(/\u0000+$/g, '').trim();
  return s || undefined;
}

/** "YYYY:MM:DD HH:MM:SS" + sub-seconds + offset -> ISO 8601 local time. */
export function exifDateToIso(date: unknown, subSec?: unknown, offset?: unknown): string | undefined {
  if (date instanceof Date) return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  const s = str(date);
  const m = s && /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(s);
  if (!m || m[1] === '0000') return undefined;
  let iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  const sub = str(typeof subSec === 'number' ? String(subSec) : subSec);
  if (sub && /^\d+$/.test(sub)) iso += `.${sub}`;
  const off = str(offset);
  if (off && /^[+-]\d{2}:\d{2}$/.test(off)) iso += off;
  return iso;
}

export function summarize(t: Raw): ExifSummary {
  const out: ExifSummary = {};
  const set = <K extends keyof ExifSummary>(k: K, v: ExifSummary[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('exposureTime', num(t.ExposureTime));
  set('iso', num(t.ISO) ?? num(t.ISOSpeedRatings) ?? num(t.RecommendedExposureIndex) ?? num(t.PhotographicSensitivity));
  set('fNumber', num(t.FNumber));
  set('exposureBias', num(t.ExposureCompensation) ?? num(t.ExposureBiasValue));
  set(
    'captureTime',
    exifDateToIso(t.DateTimeOriginal, t.SubSecTimeOriginal, t.OffsetTimeOriginal) ??
      exifDateToIso(t.CreateDate, t.SubSecTimeDigitized, t.OffsetTimeDigitized) ??
      exifDateToIso(t.ModifyDate, t.SubSecTime, t.OffsetTime),
  );
  set('make', str(t.Make));
  set('model', str(t.Model) ?? str(t.UniqueCameraModel));
  const lensMake = str(t.LensMake);
  const lensModel = str(t.LensModel) ?? str(t.Lens);
  set('lens', lensModel && lensMake && !lensModel.startsWith(lensMake) ? `${lensMake} ${lensModel}` : (lensModel ?? lensMake));
  set('orientation', num(t.Orientation));
  set('width', num(t.ExifImageWidth) ?? num(t.PixelXDimension) ?? num(t.ImageWidth));
  set('height', num(t.ExifImageHeight) ?? num(t.PixelYDimension) ?? num(t.ImageHeight));
  return out;
}

export async function readExif(path: string): Promise<ExifSummary> {
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    throw fromNodeError(err, path) ?? err;
  }
  let tags: Raw | undefined;
  try {
    tags = (await exifr.parse(path, {
      tiff: true,
      ifd0: {},
      exif: true,
      gps: false,
      interop: false,
      ifd1: false,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: true,
      makerNote: false,
      userComment: false,
      mergeOutput: true,
      reviveValues: false,
      translateKeys: true,
      translateValues: false,
      sanitize: true,
    })) as Raw | undefined;
  } catch {
    return {}; // no EXIF, a format exifr does not know, or damaged metadata: nothing to report
  }
  const summary = tags ? summarize(tags) : {};
  // In camera raws IFD0 is often the small preview: report the sensor image's size.
  const raw = await rawSize(path);
  if (raw) {
    summary.width = raw.width;
    summary.height = raw.height;
  }
  return summary;
}

async function rawSize(path: string): Promise<{ width: number; height: number } | null> {
  try {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const head = Buffer.alloc(Math.min(size, 256 * 1024));
      await fh.read(head, 0, head.length, 0);
      if (detectRawMagic(head) !== 'tiff-raw') return null;
      const t = tiffLayout(head, size);
      return t && t.width && t.height ? { width: t.width, height: t.height } : null;
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}
