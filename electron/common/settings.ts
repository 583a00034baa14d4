/**
 * Names of the settings Evenlight reads from the environment, and the working sizes the UI
 * and the jobs share. engine/settings.ts is the one place that reads the variables; the
 * Electron shell and the docs name them from here. Pure TypeScript (no Node).
 */
export const ENV = {
  /** folder with the model's manifest.json */
  modelDir: 'EVENLIGHT_MODEL_DIR',
  /** folder holding dcraw_emu / dcraw (and their libraries) */
  nativeBin: 'EVENLIGHT_NATIVE_BIN',
  /** ONNX Runtime execution provider: cpu | cuda | dml | coreml | webgpu */
  executionProvider: 'EVENLIGHT_EP',
  /** RAW decoder: wasm | native */
  rawDecoder: 'EVENLIGHT_RAW_DECODER',
  /** largest photo decoded, in pixels */
  maxPixels: 'EVENLIGHT_MAX_PIXELS',
  /** memory the engine's jobs may hold together, in MB */
  memoryBudgetMb: 'EVENLIGHT_MEMORY_BUDGET_MB',
  /** a native decoder's time limit: base, and per MiB of the file */
  decoderTimeoutBaseMs: 'EVENLIGHT_DECODER_TIMEOUT_BASE_MS',
  decoderTimeoutPerMibMs: 'EVENLIGHT_DECODER_TIMEOUT_PER_MIB_MS',
} as const;

/** Long side of the editor's working image (px): preview and Normalise share it. */
export const EDITOR_MAX_SIDE = 2048;
/** Long side at which Compare fuses, corrects and shows a bracket (px). */
export const COMPARE_MAX_SIDE = 1024;
