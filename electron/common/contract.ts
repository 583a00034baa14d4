/**
 * The one typed contract between the UI (Electron preload or the `serve` WebSocket bridge)
 * and the main side. Every request is validated against these schemas in the router before
 * a handler sees it; TS types are inferred from the same schemas so both sides agree.
 *
 * This file is imported by the renderer too, so it must stay free of Node APIs.
 */
import { z } from 'zod';
import { JPEG_DEFAULTS, MODES, OUTPUT_FORMATS, PHOTO_TYPES } from './formats';
import { RESULT_CODES } from './errors';
import { COMPARE_MAX_SIDE, EDITOR_MAX_SIDE } from './settings';

// ---------- shared pieces ----------

// the enums are the formats table's (formats.ts): one list for the CLI, the contract and the engine
export const PhotoType = z.enum(PHOTO_TYPES);
export type PhotoType = z.infer<typeof PhotoType>;

export const Mode = z.enum(MODES);
export type Mode = z.infer<typeof Mode>;

export const OutputFormat = z.enum(OUTPUT_FORMATS);
export type OutputFormat = z.infer<typeof OutputFormat>;

/** ROI coordinates are normalised to 0..1 of the image so they survive preview/full-size changes. */
const unit = z.number().min(0).max(1);
export const RectRoi = z.object({ kind: z.literal('rect'), x: unit, y: unit, w: unit, h: unit, feather: unit.default(0.02) });
export const EllipseRoi = z.object({ kind: z.literal('ellipse'), x: unit, y: unit, w: unit, h: unit, feather: unit.default(0.02) });
/** Brush strokes: polyline points (normalised) painted with a round brush of `radius` (fraction of the short side). */
export const BrushRoi = z.object({
  kind: z.literal('brush'),
  points: z.array(z.tuple([unit, unit])).min(1).max(5000),
  radius: z.number().positive().max(0.5),
  feather: unit.default(0.02),
});
export const Roi = z.discriminatedUnion('kind', [RectRoi, EllipseRoi, BrushRoi]);
export type Roi = z.infer<typeof Roi>;

/** Brush points in one request, all regions together (the UI keeps a point per 2 px). */
export const MAX_BRUSH_POINTS = 20000;
/** Regions of one request; the mask's cost is bounded by this times the mask grid. */
const Rois = z
  .array(Roi)
  .max(64)
  .default([])
  .refine((rois) => rois.reduce((n, r) => n + (r.kind === 'brush' ? r.points.length : 0), 0) <= MAX_BRUSH_POINTS, {
    message: `too many brush points (at most ${MAX_BRUSH_POINTS} in all)`,
  });

export const Exif = z.object({
  make: z.string().nullable(),
  model: z.string().nullable(),
  exposureTime: z.number().nullable(),
  iso: z.number().nullable(),
  fNumber: z.number().nullable(),
  evBias: z.number().nullable(),
  lens: z.string().nullable(),
  captureTime: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
});
export type Exif = z.infer<typeof Exif>;

export const PhotoEntry = z.object({
  path: z.string(),
  name: z.string(),
  type: PhotoType,
  bytes: z.number(),
});
export type PhotoEntry = z.infer<typeof PhotoEntry>;

export const BracketGroup = z.object({ id: z.string(), name: z.string(), frames: z.array(z.string()).min(2) });
export type BracketGroup = z.infer<typeof BracketGroup>;

const absPath = z.string().min(1).max(4096);
const jobId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
/** Working size of the interactive editor (long side, px); 0 = full resolution. */
const maxSide = z.number().int().min(0).max(65535);

/** 0..1 blend of the correction with the photo as it came (1 = all of it) */
const Strength = z.number().min(0).max(1).default(1);
/** 0..1: how much of the photo's saturation its darkest values keep when the v2 model lifts them (0 = the model's choice; engine normalize/shadow-colour.ts) */
const ShadowColour = z.number().min(0).max(1).default(0);

// ---------- commands ----------

/** Output options shared by single-photo export and batch. */
const renderOptions = {
  format: OutputFormat.default('jpeg'),
  quality: z.number().int().min(1).max(100).default(JPEG_DEFAULTS.quality),
  /** JPEG: optimised Huffman tables, the same pixels in a smaller file for a slower encode (formats.ts) */
  optimizeJpeg: z.boolean().default(JPEG_DEFAULTS.optimizeCoding),
  mode: Mode,
  strength: Strength,
  shadowColour: ShadowColour,
};

export const commands = {
  /** Grants access to a folder. Without a path, Electron shows a native dialog; the bridge needs a path. */
  openFolder: {
    request: z.object({ path: absPath.optional() }),
    response: z.object({ folder: z.string().nullable() }),
  },
  listPhotos: {
    request: z.object({ folder: absPath }),
    response: z.object({ folder: z.string(), photos: z.array(PhotoEntry) }),
  },
  thumbnail: {
    /** made in the engine worker; `cancel` with jobId stops it (a grid scrolled past) */
    request: z.object({ jobId: jobId.optional(), path: absPath, maxSide: z.number().int().min(16).max(4096).default(256) }),
    response: z.object({ dataUrl: z.string() }),
  },
  photoInfo: {
    request: z.object({ path: absPath }),
    response: z.object({ path: z.string(), exif: Exif }),
  },
  /**
   * The editor's "before": the photo decoded exactly as normalize will see it (same decoder,
   * same working size), streamed as binary frames (strips) tagged with jobId.
   */
  preview: {
    request: z.object({ jobId, path: absPath, maxSide: maxSide.default(EDITOR_MAX_SIDE) }),
    response: z.object({ jobId: z.string(), width: z.number(), height: z.number() }),
  },
  normalize: {
    request: z.object({
      jobId,
      path: absPath,
      mode: Mode,
      strength: Strength,
      shadowColour: ShadowColour,
      rois: Rois,
      maxSide: maxSide.default(EDITOR_MAX_SIDE),
    }),
    response: z.object({ jobId: z.string(), width: z.number(), height: z.number(), tiles: z.number(), ms: z.number() }),
  },
  /** Aborts a running job: normalize, preview, export, compare, thumbnail (the engine sees the AbortSignal mid-photo). */
  cancel: {
    request: z.object({ jobId }),
    response: z.object({ cancelled: z.boolean() }),
  },
  exportPhoto: {
    request: z.object({
      /** lets `cancel` stop the export; without one it is still stopped when the window closes */
      jobId: jobId.optional(),
      path: absPath,
      /** output folder; default `<photo folder>/evenlight` */
      outDir: absPath.optional(),
      ...renderOptions,
      rois: Rois,
    }),
    response: z.object({ jobId: z.string(), output: z.string() }),
  },
  batchStart: {
    request: z.object({
      jobId,
      folder: absPath,
      outDir: absPath.optional(),
      ...renderOptions,
    }),
    response: z.object({ jobId: z.string(), total: z.number(), outDir: z.string() }),
  },
  batchCancel: {
    request: z.object({ jobId }),
    response: z.object({ cancelled: z.boolean() }),
  },
  /** Reads EXIF of the folder's photos to group brackets (slower than listPhotos, so separate). */
  listBrackets: {
    request: z.object({ folder: absPath }),
    response: z.object({ brackets: z.array(BracketGroup) }),
  },
  /**
   * One frame corrected on its own vs the fusion of the whole bracket, at the working size
   * `maxSide`. The three images (tile-frame.ts COMPARE_LAYERS) stream as binary frames tagged with jobId
   * and their layer, like tiles, before the response.
   */
  compareFusion: {
    request: z.object({
      jobId,
      frames: z.array(absPath).min(2).max(16),
      /** frame the AI corrects on its own; default the middle one */
      aiFrame: absPath.optional(),
      maxSide: maxSide.default(COMPARE_MAX_SIDE),
    }),
    response: z.object({
      jobId: z.string(),
      /** which single-frame correction is shown: ai, or classic when no model is usable */
      mode: Mode,
      /** why ai is not shown, when it is not */
      note: z.string().nullable(),
      frame: z.string(),
      /** size of each of the three images */
      width: z.number(),
      height: z.number(),
      /** dB against the fusion; null when identical */
      psnr: z.number().nullable(),
      ssim: z.number(),
    }),
  },
  /** Shows a folder in the OS file manager (Electron only; the bridge answers UNAVAILABLE). */
  revealPath: {
    request: z.object({ path: absPath }),
    response: z.object({ opened: z.boolean() }),
  },
  /** What this host can do, so the UI can adapt (native dialog, reveal). */
  hostInfo: {
    request: z.object({}),
    response: z.object({ host: z.enum(['electron', 'bridge']), nativeDialog: z.boolean(), version: z.string() }),
  },
} as const;

export type CommandName = keyof typeof commands;
export const commandNames = Object.keys(commands) as CommandName[];
/** What the caller sends (defaults may be omitted). */
export type Request<C extends CommandName> = z.input<(typeof commands)[C]['request']>;
/** What the handler receives (after defaults are applied). */
export type ParsedRequest<C extends CommandName> = z.output<(typeof commands)[C]['request']>;
export type Response<C extends CommandName> = z.output<(typeof commands)[C]['response']>;

// ---------- results ----------

/** What a failed request says: one of errors.ts's RESULT_CODES and a one-line message naming the file. */
export const ResultError = z.object({ code: z.enum(RESULT_CODES), message: z.string() });
export type ResultError = z.infer<typeof ResultError>;
export type Result<T> = { ok: true; value: T } | { ok: false; error: ResultError };

// ---------- events (main -> UI) ----------

export const events = {
  batchProgress: z.object({
    jobId: z.string(),
    done: z.number(),
    total: z.number(),
    file: z.string(),
    ok: z.boolean(),
    error: z.string().nullable(),
    output: z.string().nullable(),
    etaSeconds: z.number().nullable(),
  }),
  batchDone: z.object({
    jobId: z.string(),
    ok: z.number(),
    failed: z.number(),
    cancelled: z.boolean(),
    outDir: z.string(),
  }),
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** Finished rectangle of a job's image (preview, normalize, compare), decoded from its binary frame (see tile-frame.ts). */
export interface TileFrame {
  jobId: string;
  /** which of the job's images (compare: tile-frame.ts COMPARE_LAYERS; else 0) */
  layer: number;
  index: number;
  total: number;
  /** rect in the working image's pixel coordinates */
  x: number;
  y: number;
  w: number;
  h: number;
  imageWidth: number;
  imageHeight: number;
  /** RGBA8, w*h*4 bytes */
  rgba: Uint8Array;
}

/** What every transport (Electron preload, WebSocket bridge) offers the renderer. */
export interface EvenlightApi {
  invoke<C extends CommandName>(command: C, request: Request<C>): Promise<Result<Response<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Binary tile frames (encoded by tile-frame.ts). */
  onTile(listener: (frame: Uint8Array) => void): () => void;
  /** Electron only: the filesystem path of a dropped File (webUtils.getPathForFile). */
  pathForFile?(file: unknown): string;
}

/** Channel names used by Electron IPC (preload and main). */
export const channels = { invoke: 'evenlight:invoke', event: 'evenlight:event', tile: 'evenlight:tile', dropped: 'evenlight:dropped' } as const;

/** Text frames of the WebSocket bridge. */
export const WsClientMessage = z.object({ id: z.number().int(), command: z.string(), request: z.unknown() });
export type WsServerMessage =
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown };
