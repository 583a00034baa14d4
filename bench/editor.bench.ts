/**
 * The editor's path through the engine worker, on a generated 24 MP DNG at the editor's
 * 2048 px working size: the "before" preview, a first Normalise a second and a half later (the
 * photographer looks at the photo first), then others at other strengths (what a slider drag
 * sends). The worker lives across jobs and keeps the working image, the ONNX session, the
 * photo's transform and a buffer for the result, so a new strength is the per-pixel pass.
 * `dark`: the same for the chart 40 times darker, whose deep shadows the transform lifts far
 * enough to smooth first (shadow-smooth.ts), a night photo's path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDecoder } from '../electron/engine';
import { testChartScene, writeSyntheticDng } from '../tools/synthetic-dng';
import { engineHostStats, runEngineJob, stopEngineHost } from '../electron/jobs/engine-host';

const WORK_SIDE = 2048;
/** between the preview and the first Normalise */
const LOOK_MS = 1500;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, Math.round(performance.now() - t)];
}

/** Preview, a first Normalise after LOOK_MS, then five at other strengths. */
async function session(dng: string): Promise<{ tiles: number; previewMs: number; firstMs: number; again: number[] }> {
  const normalize = (strength: number) => () =>
    runEngineJob({ kind: 'normalize', jobId: `n${strength}`, path: dng, maxSide: WORK_SIDE, mode: 'ai', strength, shadowColour: 0, rois: [] });
  const [, previewMs] = await timed(() => runEngineJob({ kind: 'preview', jobId: 'p', path: dng, maxSide: WORK_SIDE }));
  await new Promise((r) => setTimeout(r, LOOK_MS));
  const [first, firstMs] = await timed(normalize(1));
  // a slider drag sends several: the median of five (one run moves by ±30 % on a shared machine)
  const again: number[] = [];
  for (const strength of [0.6, 0.3, 0.8, 0.5, 0.7]) again.push((await timed(normalize(strength)))[1]);
  return { tiles: first.tiles, previewMs, firstMs, again: again.sort((a, b) => a - b) };
}

export async function run(): Promise<Record<string, unknown>> {
  if (!resolveDecoder()) return { skipped: 'no dcraw_emu/dcraw installed' };
  const dir = mkdtempSync(join(tmpdir(), 'evenlight-bench-editor-'));
  try {
    const dng = join(dir, 'photo.dng');
    writeSyntheticDng(dng, { width: 6000, height: 4000 });
    const darkDng = join(dir, 'dark.dng');
    const chart = testChartScene(6000, 4000);
    writeSyntheticDng(darkDng, { width: 6000, height: 4000, scene: (x, y) => chart(x, y).map((v) => v / 40) as [number, number, number] });
    const started = engineHostStats().workersStarted;
    const s = await session(dng);
    const d = await session(darkDng);
    return {
      photo: '6000x4000 DNG',
      workingSide: WORK_SIDE,
      tiles: s.tiles,
      previewFirstJobMs: s.previewMs,
      normalizeFirstMs: s.firstMs,
      pauseBeforeFirstMs: LOOK_MS,
      normalizeAgainMs: s.again[2],
      normalizeAgainRangeMs: [s.again[0], s.again[4]],
      dark: { photo: 'the same chart, 40 times darker', normalizeFirstMs: d.firstMs, normalizeAgainMs: d.again[2], normalizeAgainRangeMs: [d.again[0], d.again[4]] },
      workersStarted: engineHostStats().workersStarted - started,
    };
  } finally {
    await stopEngineHost();
    rmSync(dir, { recursive: true, force: true });
  }
}
