/**
 * Text table of an evaluation (one block per split, one line per method, like the seed's
 * Table 2), plus the tiled-vs-whole-frame agreement when it was measured.
 */
import type { EvalResult, SummaryRow } from './evaluate';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatEvalTable(r: EvalResult): string {
  const lines: string[] = [];
  lines.push(`dataset ${r.dataset}  frames: ${r.frames}  long side <= ${r.maxSide}px  reference: Mertens fusion of each bracket`);
  const splits = [...new Set(r.summary.map((s) => s.split))];
  for (const split of splits) {
    const rows = r.summary.filter((s: SummaryRow) => s.split === split);
    lines.push('');
    lines.push(`split ${split} (${rows[0]?.n ?? 0} frames)`);
    lines.push(`  ${pad('method', 11)}${pad('PSNR dB', 10)}SSIM`);
    for (const s of rows) lines.push(`  ${pad(s.method, 11)}${pad(s.psnr.toFixed(2), 10)}${s.ssim.toFixed(4)}`);
  }
  if (r.tiledVsWhole.length) {
    const ps = r.tiledVsWhole.map((t) => t.psnr);
    const min = Math.min(...ps);
    const mean = ps.reduce((a, b) => a + Math.min(b, 100), 0) / ps.length;
    lines.push('');
    lines.push(`ai tiled vs whole-frame pass: min ${min.toFixed(2)} dB, mean ${mean.toFixed(2)} dB over ${ps.length} frames`);
  }
  for (const [m, why] of Object.entries(r.skipped)) lines.push(`skipped ${m}: ${why}`);
  for (const f of r.failures) lines.push(`failed ${f.scene}: ${f.error}`);
  return lines.join('\n') + '\n';
}
