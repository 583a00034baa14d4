/**
 * Bracket scenes of a dataset folder in the shared `scene.json` layout
 * (`<category>/<entry>/scene.json`, frames listed darkest -> brightest), and the
 * train/dev/test/heldout split of models/training/split.json ("heldout": real brackets kept
 * out of training and model selection; older split files without it are accepted).
 *
 *   listBracketScenes(datasetDir) -> BracketScene[]   (kind "bracket", >= 1 frame)
 *   readSplit(path) -> Map<sceneId, 'train'|'dev'|'test'|'heldout'>
 *   splitOf(split, sceneId) -> 'train'|'dev'|'test'|'heldout'|'unsplit'
 *   middleFrame(n) -> index of the middle exposure (lower middle for even counts)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { EvenlightError } from '../engine';

export type SplitName = 'train' | 'dev' | 'test' | 'heldout' | 'unsplit';
/** every split name, in report order */
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'dev', 'test', 'heldout', 'unsplit'];

/** What scene.json says about one frame's exposure (null: not stated). */
export interface FrameExposure {
  timeS: number | null;
  iso: number | null;
  fNumber: number | null;
}

export interface BracketScene {
  /** path of the scene folder relative to the dataset folder, '/'-separated ("brackets/mertens_house") */
  id: string;
  dir: string;
  /** absolute frame paths, darkest first (scene.json order) */
  frames: string[];
  /** per frame, same order as `frames` */
  exposures: FrameExposure[];
  flags: string[];
}

interface SceneJson {
  kind?: unknown;
  exposures?: Array<{ file?: unknown; exposure_time_s?: unknown; iso?: unknown; f_number?: unknown }>;
  flags?: unknown;
}

function findSceneFiles(dir: string, depth: number): string[] {
  const own = join(dir, 'scene.json');
  if (existsSync(own)) return [own];
  if (depth === 0) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (!name.startsWith('.') && statSync(p).isDirectory()) out.push(...findSceneFiles(p, depth - 1));
  }
  return out;
}

export function listBracketScenes(datasetDir: string): BracketScene[] {
  if (!existsSync(datasetDir) || !statSync(datasetDir).isDirectory()) {
    throw new EvenlightError('NOT_FOUND', datasetDir, 'dataset folder does not exist');
  }
  const scenes: BracketScene[] = [];
  for (const file of findSceneFiles(datasetDir, 3)) {
    let sj: SceneJson;
    try {
      sj = JSON.parse(readFileSync(file, 'utf8')) as SceneJson;
    } catch (err) {
      throw new EvenlightError('UNSUPPORTED', file, `scene.json is not valid JSON: ${(err as Error).message}`);
    }
    if (sj.kind !== 'bracket') continue;
    const dir = join(file, '..');
    const frames = (sj.exposures ?? []).map((e) => {
      if (typeof e.file !== 'string' || !e.file) throw new EvenlightError('UNSUPPORTED', file, 'exposure without a file name');
      return join(dir, e.file);
    });
    if (!frames.length) continue;
    const pos = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
    const exposures = (sj.exposures ?? []).map((e) => ({ timeS: pos(e.exposure_time_s), iso: pos(e.iso), fNumber: pos(e.f_number) }));
    const flags = Array.isArray(sj.flags) ? sj.flags.filter((f): f is string => typeof f === 'string') : [];
    scenes.push({ id: relative(datasetDir, dir).split(sep).join('/') || '.', dir, frames, exposures, flags });
  }
  return scenes;
}

export function readSplit(path: string): Map<string, Exclude<SplitName, 'unsplit'>> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EvenlightError('NOT_FOUND', path, 'split file not found');
    throw new EvenlightError('UNSUPPORTED', path, `split file is not valid JSON: ${(err as Error).message}`);
  }
  const map = new Map<string, Exclude<SplitName, 'unsplit'>>();
  for (const name of ['train', 'dev', 'test', 'heldout'] as const) {
    const ids = raw[name];
    // "heldout" came with split version 2; a file without it simply has no held-out scenes
    if (name === 'heldout' && ids === undefined) continue;
    if (!Array.isArray(ids)) throw new EvenlightError('UNSUPPORTED', path, `split file has no "${name}" list`);
    for (const id of ids) if (typeof id === 'string') map.set(id, name);
  }
  return map;
}

export function splitOf(split: Map<string, Exclude<SplitName, 'unsplit'>> | undefined, id: string): SplitName {
  return split?.get(id) ?? 'unsplit';
}

export function middleFrame(n: number): number {
  return Math.floor((n - 1) / 2);
}
