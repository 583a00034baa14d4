/**
 * The one entry point for exposure normalisation, used by the CLI, batch, the app and the
 * browser bridge.
 *
 *   normalizeImage(image, opts) -> Promise<RgbFloat>
 *   normalizeImageDetailed(image, opts) -> Promise<{ image, report }>
 *   defaultMode(modelDir?) -> 'ai' when models/manifest.json is present and valid, else 'classic'
 *
 * opts:
 *   mode      'ai' | 'classic' (default: defaultMode()). 'ai' falls back to 'classic' when
 *             the model cannot be loaded; report.fallback says why.
 *   strength  0..1 blend with the original (0 = original, 1 = full correction; default 1)
 *   shadowColour  0..1, the v2 model only: how much of the photo's saturation its darkest
 *             values keep (0 = the model's choice, default; shadow-colour.ts)
 *   rois      rectangles: exposure is metered there and the correction blended in with a
 *             feathered mask (`feather` px, default 5% of the shorter side)
 *   mask      any mask Plane (ellipse, brush, from the app) with the same meaning; combined
 *             with `rois` by maximum
 *   modelDir  folder with manifest.json (default: the shipped models/)
 *   onTile    ({ index, total, rect, pixels }) per finished region, pixels final (blended)
 *   signal    AbortSignal; rejects with its reason
 *   onReport  receives the report (also returned by normalizeImageDetailed)
 *   spare     a buffer of W·H·3 floats the result may be written into instead of a fresh one
 * The input image is never modified.
 */
import type { Plane, Rect, RgbFloat } from '../image/types';
import { EvenlightError, throwIfAborted } from '../errors';
import { findManifest, readManifest } from '../model/manifest';
import { defaultModelDir } from '../settings';
import { getModel } from '../model/session';
import type { TileEvent } from '../stitch';
import { normalizeAi } from './ai';
import { applyClassic, classicParams, meterExposure } from './classic';
import { blendCorrection, maskBounds, rectMask } from './roi';

export type NormalizeMode = 'ai' | 'classic';

export interface NormalizeOptions {
  mode?: NormalizeMode;
  strength?: number;
  shadowColour?: number;
  rois?: Rect[];
  mask?: Plane;
  feather?: number;
  modelDir?: string;
  onTile?: (e: TileEvent) => void;
  signal?: AbortSignal;
  onReport?: (r: NormalizeReport) => void;
  /**
   * The caller gives `image` up: at full strength without a region the result is written
   * over it, saving a second full-size photo (288 MB at 24 MP, 2.4 GB at 200 MP) and the
   * time to fault it in. Otherwise the original is needed for the blend and is kept.
   */
  consumeInput?: boolean;
  /**
   * A buffer of W·H·3 floats, the caller's, that the result may be written into instead of a
   * fresh one (the v2 model and classic use it; read the returned image either way). A fresh
   * result of over 32 MB comes from the system each time, and its first write faults in every
   * page: about 0.1 s for the editor's 2048 px working image, most of a re-Normalise
   * (README, Benchmarks). Not with consumeInput.
   */
  spare?: Float32Array;
}

export interface NormalizeReport {
  mode: NormalizeMode;
  requestedMode: NormalizeMode;
  /** execution provider (ai only) */
  provider?: string;
  /** "name@version" of the model (ai only) */
  model?: string;
  /** why ai was not used although requested */
  fallback?: string;
  /** exposure change chosen by the classic metering, in EV */
  ev?: number;
  strength: number;
  /** as asked; only the v2 model's transform has a dark saturation to move (classic and v1 leave it) */
  shadowColour: number;
  masked: boolean;
}

/** The strength and shadow colour asked for (defaults 1 and 0), or INVALID_ARGUMENT naming `file` when one lies outside 0..1: the engine's one check. */
export function checkAmounts(opts: { strength?: number; shadowColour?: number }, file = ''): { strength: number; shadowColour: number } {
  const unit = (name: string, v: number | undefined, dflt: number): number => {
    const s = v ?? dflt;
    if (!(s >= 0 && s <= 1)) throw new EvenlightError('INVALID_ARGUMENT', file, `${name} must be within 0..1, got ${v}`);
    return s;
  };
  return { strength: unit('strength', opts.strength, 1), shadowColour: unit('shadow colour', opts.shadowColour, 0) };
}

export function defaultMode(modelDir = defaultModelDir()): NormalizeMode {
  if (!findManifest(modelDir)) return 'classic';
  try {
    readManifest(modelDir);
    return 'ai';
  } catch {
    return 'classic';
  }
}

function combinedMask(image: RgbFloat, opts: NormalizeOptions): Plane | undefined {
  const { width: W, height: H } = image;
  let mask = opts.mask;
  if (mask && (mask.width !== W || mask.height !== H)) throw new RangeError(`mask is ${mask.width}x${mask.height}, photo ${W}x${H}`);
  if (opts.rois?.length) {
    const feather = opts.feather ?? Math.round(0.05 * Math.min(W, H));
    const r = rectMask(W, H, opts.rois, feather);
    if (mask) for (let i = 0; i < r.data.length; i++) r.data[i] = Math.max(r.data[i], mask.data[i]);
    mask = r;
  }
  return mask;
}

export async function normalizeImageDetailed(image: RgbFloat, opts: NormalizeOptions = {}): Promise<{ image: RgbFloat; report: NormalizeReport }> {
  const { strength, shadowColour } = checkAmounts(opts);
  if (image.data.length !== image.width * image.height * 3 || image.width < 1 || image.height < 1) {
    throw new RangeError(`image buffer does not match ${image.width}x${image.height}`);
  }
  const modelDir = opts.modelDir ?? defaultModelDir();
  const requestedMode = opts.mode ?? defaultMode(modelDir);
  if (opts.spare && (opts.spare.length !== image.data.length || opts.consumeInput || opts.spare.buffer === image.data.buffer)) {
    throw new RangeError(`spare: ${opts.spare.length} floats for a ${image.width}x${image.height} photo, apart from it and without consumeInput`);
  }
  const mask = combinedMask(image, opts);
  const inPlace = opts.consumeInput === true && strength === 1 && !mask;
  const report: NormalizeReport = { mode: requestedMode, requestedMode, strength, shadowColour, masked: !!mask };

  // Final pixels for progress events: blend each finished region as it arrives.
  const onTile = opts.onTile
    ? (e: TileEvent) => {
        blendCorrection(image, e.pixels, { mask, strength, rect: e.rect });
        opts.onTile?.(e);
      }
    : undefined;

  let corrected: RgbFloat | undefined;
  if (requestedMode === 'ai') {
    try {
      const session = await getModel(modelDir);
      report.provider = session.provider;
      report.model = `${session.manifest.name}@${session.manifest.version}`;
      // v2 without a region folds the strength into its one pass: tiles come out final and
      // no second full-size blend is needed (the editor's re-Normalise at a new strength)
      const folded = session.hasTransform && !mask;
      corrected = await normalizeAi(image, session, {
        meterRect: mask ? maskBounds(mask) : undefined,
        onTile: folded ? opts.onTile : onTile,
        signal: opts.signal,
        inPlace: folded ? opts.consumeInput === true : inPlace,
        strength: folded ? strength : 1,
        shadowColour,
        spare: opts.spare,
      });
      if (folded) {
        opts.onReport?.(report);
        return { image: corrected, report };
      }
    } catch (err) {
      throwIfAborted(opts.signal);
      if (report.provider) throw err; // the model loaded; a failure while running is a real error
      report.mode = 'classic';
      report.fallback = `model not usable (${err instanceof Error ? err.message : String(err)}); used classic`;
    }
  }
  if (!corrected) {
    const params = classicParams(meterExposure(image, mask));
    report.ev = params.ev;
    let index = 0;
    const total = Math.ceil(image.height / 224);
    corrected = await applyClassic(image, params, {
      signal: opts.signal,
      inPlace,
      spare: opts.spare,
      onStrip: onTile ? (rect, pixels) => onTile({ index: index++, total, rect, pixels }) : undefined,
    });
  }
  const out = blendCorrection(image, corrected, { mask, strength });
  opts.onReport?.(report);
  return { image: out, report };
}

export async function normalizeImage(image: RgbFloat, opts: NormalizeOptions = {}): Promise<RgbFloat> {
  return (await normalizeImageDetailed(image, opts)).image;
}
