/**
 * Text table of an evaluation (one block per split, one line per method, like the seed's
 * Table 2): PSNR, SSIM and colour cast over every scored frame, the same over the middle
 * frames when all frames were scored, then per EV bucket; the tiled-vs-whole-frame agreement
 * when it was measured, and the contact sheet's rows when one was drawn.
 */
import { EV_BUCKETS } from './ev';
import type { BucketSummaryRow, EvalResult, SummaryRow } from './evaluate';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

const fmt = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

function methodLines(rows: SummaryRow[]): string[] {
  const lines = [`  ${pad('method', 11)}${pad('PSNR dB', 9)}${pad('SSIM', 8)}${pad('cast', 7)}${pad('input', 7)}+cast scenes`];
  for (const s of rows) {
    lines.push(`  ${pad(s.method, 11)}${pad(s.psnr.toFixed(2), 9)}${pad(s.ssim.toFixed(4), 8)}${pad(fmt(s.cast, 2), 7)}${pad(fmt(s.inputCast, 2), 7)}${s.castAddedScenes}/${s.scenes}`);
  }
  return lines;
}

function bucketLines(rows: BucketSummaryRow[]): string[] {
  const present = EV_BUCKETS.filter((b) => rows.some((r) => r.bucket === b));
  const methods = [...new Set(rows.map((r) => r.method))];
  const w = 18;
  const head = present.map((b) => pad(`${b} (${rows.find((r) => r.bucket === b)?.n ?? 0})`, w)).join('');
  const lines = [`  EV from the best-exposed frame: PSNR dB / SSIM / cast (frames)`, `  ${pad('method', 11)}${head}`];
  for (const m of methods) {
    const cells = present.map((b) => {
      const r = rows.find((x) => x.method === m && x.bucket === b);
      return pad(r ? `${r.psnr.toFixed(2)}/${r.ssim.toFixed(3)}/${fmt(r.cast, 1)}` : '-', w);
    });
    lines.push(`  ${pad(m, 11)}${cells.join('')}`);
  }
  return lines;
}

export function formatEvalTable(r: EvalResult): string {
  const lines: string[] = [];
  const w = r.fusionWeights;
  lines.push(`dataset ${r.dataset}  frames: ${r.frames}  long side <= ${r.maxSide}px  reference: Mertens fusion (weights ${w.contrast},${w.saturation},${w.exposure}) of each bracket${r.pairs ? "'s darkest and brightest frames (pairs)" : ''}${r.shadowColour ? `  ai shadow colour ${r.shadowColour}` : ''}`);
  lines.push(`cast: |mean (a*, b*) shift| vs the fusion on its near-neutral mid-tones (CIELAB chroma < 8, 15 < L* < 95); input: the same for the frame as shot;`);
  lines.push(`+cast scenes: scenes with a frame whose cast is over ${r.castLimit} while its input's was not`);
  const splits = [...new Set(r.summary.map((s) => s.split))];
  for (const split of splits) {
    const rows = r.summary.filter((s) => s.split === split);
    lines.push('');
    lines.push(`split ${split} (${rows[0]?.n ?? 0} frames, ${rows[0]?.scenes ?? 0} scenes)`);
    lines.push(...methodLines(rows));
    if (r.frames === 'all') {
      const mid = r.middle.filter((s) => s.split === split);
      if (mid.length) {
        lines.push(`  middle frame (${mid[0].n} frames)`);
        lines.push(...methodLines(mid));
      }
    }
    const buckets = r.buckets.filter((s) => s.split === split);
    if (buckets.length) lines.push(...bucketLines(buckets));
  }
  if (r.tiledVsWhole.length) {
    const ps = r.tiledVsWhole.map((t) => t.psnr);
    const min = Math.min(...ps);
    const mean = ps.reduce((a, b) => a + Math.min(b, 100), 0) / ps.length;
    lines.push('');
    lines.push(`ai tiled vs whole-frame pass: min ${min.toFixed(2)} dB, mean ${mean.toFixed(2)} dB over ${ps.length} frames`);
  }
  if (r.sheet) {
    lines.push('');
    lines.push(`contact sheet ${r.sheet.path} (${r.sheet.width}x${r.sheet.height}, input | ai | classic | fusion, ranked by ${r.sheet.rankedBy} PSNR):`);
    for (const s of r.sheet.rows) lines.push(`  ${pad(s.kind, 6)}${pad(`${Math.min(100, s.psnr).toFixed(2)} dB`, 10)}${s.scene} ${s.frame}`);
  }
  for (const [m, why] of Object.entries(r.skipped)) lines.push(`skipped ${m}: ${why}`);
  for (const f of r.failures) lines.push(`failed ${f.scene}: ${f.error}`);
  return lines.join('\n') + '\n';
}
