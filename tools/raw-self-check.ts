/**
 * End-to-end check of a native RAW decoder, for whoever packages one into native-bin/:
 * decode a small synthetic DNG of known content and compare. Catches a missing decoder,
 * broken bundled libraries and decoders that rescale or clip (wrong flags), not just
 * "it runs".
 *
 *   node --import tsx tools/raw-self-check.ts [decoder]   exit 0 when it passes
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRaw, errorMessage, resolveDecoder, srgbToLinearExact, type Decoder } from '../electron/engine';
import { CHART_PATCHES, writeSyntheticDng } from './synthetic-dng';

export interface DecoderCheck {
  ok: boolean;
  decoder: string | null;
  ms: number;
  /** Why it failed, or what was measured. */
  detail: string;
}

export async function checkRawDecoder(decoder?: Decoder | string): Promise<DecoderCheck> {
  const d = decoder ?? resolveDecoder();
  const name = d ? (typeof d === 'string' ? d : d.path) : null;
  if (!d) return { ok: false, decoder: null, ms: 0, detail: 'no RAW decoder found (dcraw_emu or dcraw)' };
  const dir = mkdtempSync(join(tmpdir(), 'evenlight-rawcheck-'));
  const t0 = performance.now();
  try {
    const file = join(dir, 'check.dng');
    const W = 64;
    const H = 48;
    writeSyntheticDng(file, { width: W, height: H, asShotNeutral: [0.5, 1, 0.8] });
    const { image } = await decodeRaw(file, { decoder: d });
    const patch = CHART_PATCHES.find((p) => p.name === 'grey40')!;
    const [x0, y0, x1, y1] = patch.rect;
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = Math.round(y0 * H) + 3; y < Math.round(y1 * H) - 3; y++)
      for (let x = Math.round(x0 * W) + 3; x < Math.round(x1 * W) - 3; x++) {
        for (let c = 0; c < 3; c++) sum[c] += srgbToLinearExact(image.data[(y * W + x) * 3 + c]);
        n++;
      }
    const [r, g, b] = sum.map((v) => v / n);
    const ms = Math.round(performance.now() - t0);
    const measured = `grey 0.400 decoded as ${r.toFixed(3)}/${g.toFixed(3)}/${b.toFixed(3)}`;
    const ok = image.width === W && image.height === H && [r, g, b].every((v) => Math.abs(v - 0.4) < 0.02);
    return { ok, decoder: name, ms, detail: ok ? measured : `wrong result: ${measured} (${image.width}×${image.height})` };
  } catch (err) {
    return { ok: false, decoder: name, ms: Math.round(performance.now() - t0), detail: errorMessage(err) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void checkRawDecoder(process.argv[2]).then((r) => {
    console.log(`${r.ok ? 'ok' : 'FAILED'}: ${r.decoder ?? 'no decoder'} (${r.ms} ms): ${r.detail}`);
    process.exitCode = r.ok ? 0 : 1;
  });
}
