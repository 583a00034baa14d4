/**
 * Contact sheet of an evaluation (`evenlight eval --sheet out.png`): one row per case
 * (the worst and the best frames by ai PSNR), columns input | ai | classic | fusion, each
 * panel scaled to a fixed height, a one-line label above every row. 8-bit PNG through
 * sharp (composite() is 8-bit, which is all a look needs), written atomically.
 *
 *   sheetPanel(image, height) -> SheetPanel        8-bit RGB thumbnail of a float image
 *   pickSheetCases(items, k, score) -> { worst, best }
 *   writeContactSheet(path, rows, columns) -> { width, height }
 */
import sharp from 'sharp';
import { floatToU8, writeFileAtomic, type RgbFloat } from '../engine';

export interface SheetPanel {
  width: number;
  height: number;
  /** interleaved 8-bit RGB */
  data: Buffer;
}

export interface SheetRow {
  label: string;
  /** one per column; undefined draws an empty (grey) panel, e.g. a method that was not run */
  panels: Array<SheetPanel | undefined>;
}

export const SHEET_COLUMNS = ['input', 'ai', 'classic', 'fusion'] as const;
const GAP = 4;
const LABEL_H = 20;
const BG = '#202020';

export async function sheetPanel(image: RgbFloat, height: number): Promise<SheetPanel> {
  const { data, info } = await sharp(Buffer.from(floatToU8(image.data)), { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ height })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/**
 * The k lowest and the k highest by `score` (ties keep input order); with fewer than 2k
 * items the best are taken from those left after the worst, so no row repeats.
 */
export function pickSheetCases<T>(items: readonly T[], k: number, score: (t: T) => number): { worst: T[]; best: T[] } {
  const sorted = items.map((t, i) => ({ t, i, s: score(t) })).filter((x) => !Number.isNaN(x.s)).sort((a, b) => a.s - b.s || a.i - b.i);
  const worst = sorted.slice(0, k);
  const rest = sorted.slice(worst.length);
  const best = rest.slice(Math.max(0, rest.length - k)).reverse();
  return { worst: worst.map((x) => x.t), best: best.map((x) => x.t) };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

function textSvg(text: string, width: number, height: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="4" y="${height - 6}" font-family="sans-serif" font-size="13" fill="#dddddd">${escapeXml(text)}</text></svg>`,
  );
}

/** Draws the rows under a header of column names; every column is as wide as its widest panel. */
export async function writeContactSheet(path: string, rows: readonly SheetRow[], columns: readonly string[] = SHEET_COLUMNS): Promise<{ width: number; height: number }> {
  if (!rows.length) throw new Error('contact sheet: no rows');
  const panelH = Math.max(...rows.flatMap((r) => r.panels.map((p) => p?.height ?? 0)));
  const colW = columns.map((_, c) => Math.max(1, ...rows.map((r) => r.panels[c]?.width ?? 0)));
  const width = colW.reduce((a, b) => a + b, 0) + GAP * (columns.length + 1);
  const rowH = LABEL_H + panelH + GAP;
  const height = LABEL_H + rows.length * rowH;
  const layers: sharp.OverlayOptions[] = [];
  let x = GAP;
  for (const [c, name] of columns.entries()) {
    layers.push({ input: textSvg(name, colW[c], LABEL_H), left: x, top: 0 });
    x += colW[c] + GAP;
  }
  for (const [r, row] of rows.entries()) {
    const top = LABEL_H + r * rowH;
    layers.push({ input: textSvg(row.label, width, LABEL_H), left: 0, top });
    x = GAP;
    for (const [c, p] of row.panels.slice(0, columns.length).entries()) {
      if (p) layers.push({ input: p.data, raw: { width: p.width, height: p.height, channels: 3 }, left: x, top: top + LABEL_H });
      else layers.push({ input: { create: { width: colW[c], height: panelH, channels: 3, background: '#505050' } }, left: x, top: top + LABEL_H });
      x += colW[c] + GAP;
    }
  }
  const png = await sharp({ create: { width, height, channels: 3, background: BG } }).composite(layers).png().toBuffer();
  await writeFileAtomic(path, png);
  return { width, height };
}
