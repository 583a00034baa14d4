/**
 * Bracket scenes of a dataset folder in the shared `scene.json` layout
 * (`<category>/<entry>/scene.json`, frames listed darkest -> brightest), and the
 * train/dev/test/heldout split of models/training/split.json ("heldout": real brackets kept
 * out of training and model selection; older split files without it are accepted).
 *
 *   listBracketScenes(datasetDir) -> BracketScene[]   (kind "bracket", >= 1 frame)
 *   listFolderScenes(datasetDir) -> Promise<BracketScene[]>   a tree without scene.json: its folders of photos
 *   readSplit(path) -> Map<sceneId, 'train'|'dev'|'test'|'heldout'>
 *   splitOf(split, sceneId) -> 'train'|'dev'|'test'|'heldout'|'unsplit'
 *   middleFrame(n) -> index of the middle exposure (lower middle for even counts)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { EvenlightError, findBrackets, listPhotoFiles } from '../engine';

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

/** The folders directly inside `dir`, sorted, hidden ones left out. */
function childFolders(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory())
    .map((name) => join(dir, name));
}

function checkDatasetDir(datasetDir: string): void {
  if (!existsSync(datasetDir) || !statSync(datasetDir).isDirectory()) {
    throw new EvenlightError('NOT_FOUND', datasetDir, 'dataset folder does not exist');
  }
}

function findSceneFiles(dir: string, depth: number): string[] {
  const own = join(dir, 'scene.json');
  if (existsSync(own)) return [own];
  return depth === 0 ? [] : childFolders(dir).flatMap((p) => findSceneFiles(p, depth - 1));
}

export function listBracketScenes(datasetDir: string): BracketScene[] {
  checkDatasetDir(datasetDir);
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

/** The flag of a scene whose frame order is not known before decoding: evaluate sorts its frames by brightness. */
export const ORDER_BY_IMAGES = 'order_by_images';

function subfolders(dir: string, depth: number): string[] {
  return depth === 0 ? [dir] : [dir, ...childFolders(dir).flatMap((p) => subfolders(p, depth - 1))];
}

/**
 * Brackets of a folder tree without scene.json (a photographer's own folders, or a data set
 * laid out as one folder per scene): each folder, down to three levels, holding two or more
 * photos. Photos whose EXIF gives capture times and exposures are grouped as `evenlight
 * brackets` groups them, one scene per bracket, darkest first, with their exposure times. A
 * folder whose photos do not say (data sets often strip EXIF) is one bracket, flagged
 * ORDER_BY_IMAGES: its frames are put in order by brightness once decoded.
 */
export async function listFolderScenes(datasetDir: string): Promise<BracketScene[]> {
  checkDatasetDir(datasetDir);
  const scenes: BracketScene[] = [];
  for (const dir of subfolders(datasetDir, 3)) {
    const photos = (await listPhotoFiles(dir)).map((f) => f.path);
    if (photos.length < 2) continue;
    const id = relative(datasetDir, dir).split(sep).join('/') || '.';
    const { brackets } = await findBrackets(photos);
    if (!brackets.length) {
      const none = { timeS: null, iso: null, fNumber: null };
      scenes.push({ id, dir, frames: photos, exposures: photos.map(() => none), flags: [ORDER_BY_IMAGES] });
      continue;
    }
    for (const [i, b] of brackets.entries()) {
      scenes.push({
        id: brackets.length > 1 ? `${id}#${i + 1}` : id,
        dir,
        frames: b.frames.map((f) => f.path),
        exposures: b.frames.map((f) => ({ timeS: f.exposureTime ?? null, iso: null, fNumber: null })),
        flags: [],
      });
    }
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
