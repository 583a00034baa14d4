/**
 * Every EVENLIGHT_* environment variable Evenlight reads (their names: common/settings.ts),
 * and where this copy of Evenlight is installed. Nothing else reads the environment or
 * works the layout out from __dirname.
 *
 * Three layouts, told apart by where this file lies:
 *   source    <repo>/electron/engine/settings.ts                       (tsx: tests, bench)
 *   dist      <repo>/dist/electron/engine/settings.js                   (npm run build, the CLI)
 *   packaged  <resources>/app.asar/dist/electron/engine/settings.js     (electron-builder)
 * The app folder holds package.json and dist/renderer; models/ and native-bin/ sit in the
 * repo, or in a packaged app's resources/ next to app.asar (extraResources). The layout is
 * read from the path, not from Electron's process.resourcesPath, so worker threads (which
 * lack it) resolve the same folders as the main process.
 *
 * Variables are read on every call, so a test or bench may set one mid-process.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ENV } from '../common/settings';

export interface Install {
  kind: 'source' | 'dist' | 'packaged';
  /** holds package.json and dist/renderer */
  appDir: string;
  /** holds models/ and native-bin/ */
  resourcesDir: string;
}

export function install(): Install {
  const up = resolve(__dirname, '..', '..');
  const compiled = basename(up) === 'dist';
  const appDir = compiled ? dirname(up) : up;
  if (basename(appDir).endsWith('.asar')) return { kind: 'packaged', appDir, resourcesDir: dirname(appDir) };
  return { kind: compiled ? 'dist' : 'source', appDir, resourcesDir: appDir };
}

/** The version in this copy's package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(install().appDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The built renderer (index.html and assets), for app:// and the browser bridge. */
export function rendererDir(): string {
  return join(install().appDir, 'dist', 'renderer');
}

const env = (name: string): string | undefined => process.env[name] || undefined;
const positive = (name: string): number | undefined => (Number(env(name)) > 0 ? Number(env(name)) : undefined);

/** The shipped model's folder: EVENLIGHT_MODEL_DIR, else models/ of this install. */
export function defaultModelDir(): string {
  const dir = env(ENV.modelDir);
  return dir ? resolve(dir) : join(install().resourcesDir, 'models');
}

/** Folders searched for dcraw_emu / dcraw, first match wins: EVENLIGHT_NATIVE_BIN, then native-bin/<platform>-<arch> of this install. */
export function nativeBinDirs(): string[] {
  const dir = env(ENV.nativeBin);
  return [...(dir ? [dir] : []), join(install().resourcesDir, 'native-bin', `${process.platform}-${process.arch}`)];
}

/** EVENLIGHT_EP: the execution provider asked for, as written (backend.ts checks it). */
export function executionProviderOverride(): string | undefined {
  return env(ENV.executionProvider);
}

/** EVENLIGHT_RAW_DECODER: 'wasm', 'native' or anything else (auto), lower case. */
export function rawDecoderPreference(): string {
  return (env(ENV.rawDecoder) ?? '').toLowerCase();
}

/** Largest photo decoded (EVENLIGHT_MAX_PIXELS); 200 MP covers every current camera and panoramas short of giant stitches. */
export function defaultMaxPixels(): number {
  return positive(ENV.maxPixels) ?? 200_000_000;
}

/** A native decoder's time limit: a base plus some per MiB of the file (EVENLIGHT_DECODER_TIMEOUT_*). */
export function decoderTimeout(): { baseMs: number; perMibMs: number } {
  return { baseMs: positive(ENV.decoderTimeoutBaseMs) ?? 30_000, perMibMs: positive(ENV.decoderTimeoutPerMibMs) ?? 2_000 };
}

/** EVENLIGHT_MEMORY_BUDGET_MB in bytes, when set. */
export function memoryBudgetOverride(): number | undefined {
  const mb = positive(ENV.memoryBudgetMb);
  return mb === undefined ? undefined : mb * 1024 * 1024;
}
