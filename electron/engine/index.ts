/**
 * The engine's front door: everything outside electron/engine/ (the CLI, the jobs, the
 * IPC handlers, the bridge, the Electron shell, eval, bench and tools) imports the engine
 * from here and nowhere else (test/architecture/layers.test.ts holds it). Inside the
 * engine, modules import each other directly, never this file, so it closes no cycle.
 *
 * Plain Node: sharp, onnxruntime-node (loaded on first use), exifr, child processes and
 * worker threads. Nothing here knows Electron, IPC or the command line.
 */

// ---- settings and install layout (the only reader of EVENLIGHT_* variables)
export { defaultMaxPixels, defaultModelDir, install, memoryBudgetOverride, packageVersion, rendererDir, type Install } from './settings';

// ---- errors (the one EvenlightError of common/errors.ts, plus what needs Node)
export { cancelledError, errorMessage, EvenlightError, fromAbortError, isCancelled, sizeMismatch, throwIfAborted, toEvenlightError } from './errors';

// ---- files: reading, writing, listing, EXIF
export type { ImageMeta } from './image/io';
export { makeThumbnail, readFitted, readImage, writeImage } from './image/io';
export type { InputFormat, OutputFormat, Plane, Raster, Rect, RgbFloat } from './image/types';
export { readExif, type ExifSummary } from './image/exif';
export { sniffFile } from './image/format';
export { headerInfo } from './image/header';
export { serializeIfd } from './image/tiff-ifd';
export { withWritePolicy, writeFileAtomic } from './atomic-write';
export { isInside } from './path-inside';
export { listPhotoFiles, type PhotoFile } from './photo-files';

// ---- pixels
export { areaResize, downscaleToMaxSide, fitInside } from './image/resize';
export { floatToU8, rgbFloatToRgba8 } from './image/quantize';
export { asRgbFloat } from './image/to-float';
export { reserveFloats, type FloatReservation } from './image/prefault';
export { linearToSrgbExact, srgbToLinear, srgbToLinearExact } from './image/srgb';
export { extractTile, planTiles } from './tiles';
export { processTiled, type StitchStats, type TileEvent } from './stitch';

// ---- normalising one photo, a folder
export { checkAmounts, defaultMode, normalizeImage, normalizeImageDetailed, type NormalizeMode, type NormalizeOptions, type NormalizeReport } from './normalize/index';
export { roiMask } from './normalize/roi';
export { applyClassic, classicParams, meterExposure } from './normalize/classic';
export { normalizeAi, photoTransform, predictTransform } from './normalize/ai';
export { areaResizeNchw } from './normalize/thumbnail';
export { simdStatus } from './normalize/simd';
export { wasmKernel } from './normalize/curve-apply-wasm';
export { areaResize8 } from './normalize/thumbnail-wasm';
export { applyTransformRows } from './normalize/curve-apply';
export { withShadowColour } from './normalize/shadow-colour';
export { applyTransformBands, startTransformWorkers } from './normalize/curve-apply-pool';
export { shadowSmoothing, smoothShadowRows } from './normalize/shadow-smooth';
export { shadowKernel } from './normalize/shadow-smooth-wasm';
export { fuseFrames, halve, pushOf, SPAN } from './normalize/virtual-bracket';
export { bracketFuse } from './normalize/virtual-bracket-wasm';
export { normalizeFile, outputFormatFor, type NormalizeFileOptions, type NormalizeFileResult } from './pipeline';
export { removeStaleTemps, runBatch, type BatchEvent, type BatchFileResult, type BatchSummary } from './batch';

// ---- the model
export { resolveExecutionProvider } from './model/backend';
export { findManifest, readManifest, type ModelManifest } from './model/manifest';
export { getModel, loadModel, releaseModels, type ModelSession } from './model/session';

// ---- camera RAW
export { decodeRaw, decoderArgs, decoderInfo, resolveDecoder, type Decoder } from './raw/dcraw';
export { chooseRawDecoder, rawDecoderInfo } from './raw/decoder';
export { decodeRawWasm, wasmDecoderInfo } from './raw/libraw-wasm';

// ---- brackets: grouping, fusion, comparison
export { findBrackets, scanBracketDir, type BracketScan, type FrameInfo } from './hdr/brackets';
export { MERTENS_DEFAULTS, mertensFuse, mertensFuseScalar } from './hdr/mertens';
export { calibrateDebevec, mergeDebevec, mergeDebevecScalar } from './hdr/debevec';
export { tonemapReinhardDevlin, tonemapReinhardDevlinScalar } from './hdr/reinhard';
export { FUSION_METHODS, fusedOutputFormat, fuseToFile, type FusionMethod, type FusionOptions } from './fusion';
export { compareBracket, compareFusion, type BracketComparison, type CompareFusionResult } from './compare-fusion';

// ---- metrics
export { psnr } from './metrics/psnr';
export { ssim, ssimScalar } from './metrics/ssim';
export { ssimKernel } from './metrics/ssim-wasm';
export { castAgainst, castReference } from './metrics/cast';

// ---- worker threads (the jobs layer runs its own worker on the same bootstrap)
export { startWorker } from './worker-thread';
export { connectWorker, serveRequests, type RequestContext, type RpcWorker, type WorkerCall } from './worker-rpc';
