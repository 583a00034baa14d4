import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRaw, decoderInfo, decoderVersion, probeDecoderVersion, resolveDecoder, type Decoder, type RawDecodeInfo, type RawDecodeOptions } from '../../../electron/engine/raw/dcraw';
import { decodeRawWasm } from '../../../electron/engine/raw/libraw-wasm';
import { readImage } from '../../../electron/engine/image/io';
import { EvenlightError } from '../../../electron/engine/errors';
import type { RgbFloat } from '../../../electron/engine/image/types';
import { dataPath, tmpDir } from '../../helpers/paths';
import { waitFor } from '../../helpers/wait';
import { CHART_PATCHES, GRADIENT_Y0, writeSyntheticDng } from '../../fixtures/dng';

const dir = tmpDir('evenlight-dcraw-');
after(() => rmSync(dir, { recursive: true, force: true }));

function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

/** Mean RGB of a patch (fractional rect), inset to stay clear of demosaic edges. */
function patchMean(img: RgbFloat, rect: [number, number, number, number], inset = 4): [number, number, number] {
  const [x0, y0, x1, y1] = rect;
  const xa = Math.round(x0 * img.width) + inset;
  const xb = Math.round(x1 * img.width) - inset;
  const ya = Math.round(y0 * img.height) + inset;
  const yb = Math.round(y1 * img.height) - inset;
  const s = [0, 0, 0];
  let n = 0;
  for (let y = ya; y < yb; y++)
    for (let x = xa; x < xb; x++) {
      for (let c = 0; c < 3; c++) s[c] += img.data[(y * img.width + x) * 3 + c];
      n++;
    }
  return [s[0] / n, s[1] / n, s[2] / n];
}

/** Every decoder installed here: dcraw_emu and dcraw are checked separately when both exist. */
function installedDecoders(): Decoder[] {
  const out: Decoder[] = [];
  for (const name of ['dcraw_emu', 'dcraw'] as const) {
    for (const p of (process.env.PATH ?? '').split(':')) {
      if (existsSync(join(p, name))) {
        out.push({ name, path: join(p, name), source: 'PATH' });
        break;
      }
    }
  }
  return out;
}

test('a decoder is resolved and reports its version', () => {
  const d = resolveDecoder();
  assert.ok(d, 'dcraw_emu or dcraw must be installed (apt install libraw-bin dcraw)');
  const info = decoderInfo()!;
  assert.equal(info.path, d.path);
  assert.match(info.version, /^(LibRaw \d+\.\d+\.\d+|dcraw \d+\.\d+)/);
});

// decodeRaw asks for the version while the decoder runs, before the photo's memory exists (a
// child started later would make every page of the photo copy-on-write): the same version as
// the blocking probe `evenlight info` uses, for each decoder installed.
test('the version probed beside a decode is the one decoderVersion finds', async () => {
  const decoders = installedDecoders();
  assert.ok(decoders.length > 0);
  const dng = join(dir, 'probe.dng');
  writeSyntheticDng(dng, { width: 64, height: 48 });
  for (const d of decoders) {
    // a path of its own, so that neither answer comes from the other's cache
    const linked = join(dir, `probe-${d.name}`);
    symlinkSync(d.path, linked);
    const probed = await probeDecoderVersion({ ...d, path: linked });
    assert.equal(probed, decoderVersion(d), d.name);
    assert.match(probed, /^(LibRaw \d+\.\d+\.\d+|dcraw \d+\.\d+)/);
    const again = join(dir, `probe2-${d.name}`);
    symlinkSync(d.path, again);
    const { info } = await decodeRaw(dng, { decoder: { ...d, path: again } });
    assert.equal(info.decoderVersion, probed, `${d.name}: decodeRaw's info`);
  }
});

test('resolveDecoder prefers native-bin over PATH and returns null when nothing is found', () => {
  assert.equal(resolveDecoder({ nativeDirs: [join(dir, 'nothing-here')], pathEnv: '' }), null);
  const system = resolveDecoder({ nativeDirs: [] });
  assert.ok(system);
  // A native-bin folder with a (symlinked) decoder wins over PATH.
  const nb = join(dir, 'native-bin');
  mkdirSync(nb);
  symlinkSync(system.path, join(nb, system.name));
  const d = resolveDecoder({ nativeDirs: [nb] });
  assert.equal(d?.source, 'native-bin');
  assert.equal(d?.libDir, nb);
});

test('a missing decoder gives DECODER_MISSING naming the file', async () => {
  const f = join(dir, 'any.dng');
  writeSyntheticDng(f, { width: 16, height: 16 });
  await assert.rejects(decodeRaw(f, { decoder: join(dir, 'no-such-dcraw') }), (e: unknown) => {
    assert.ok(e instanceof EvenlightError);
    assert.equal(e.code, 'DECODER_MISSING');
    assert.ok(e.message.startsWith(f + ':'), e.message);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
});

interface Backend {
  name: RawDecodeInfo['decoder'];
  decode(f: string, o?: RawDecodeOptions): Promise<{ image: RgbFloat; info: RawDecodeInfo }>;
}

/** Every decoder Evenlight can run here: the native ones installed, and LibRaw in WebAssembly. */
const backends: Backend[] = [
  ...installedDecoders().map((d) => ({ name: d.name, decode: (f: string, o: RawDecodeOptions = {}) => decodeRaw(f, { ...o, decoder: d }) })),
  { name: 'libraw-wasm', decode: (f: string, o: RawDecodeOptions = {}) => decodeRawWasm(f, o) },
];

for (const backend of backends) {
  test(`synthetic DNG decodes to the known scene with ${backend.name}`, async () => {
    const f = join(dir, `chart-${backend.name}.dng`);
    // +1 EV BaselineExposure: the 0.9 "bright" patch becomes 1.8 linear, above sRGB white.
    writeSyntheticDng(f, { width: 320, height: 240, baselineExposure: 1, asShotNeutral: [0.5, 1, 0.8] });
    const { image, info } = await backend.decode(f);
    assert.equal(image.width, 320);
    assert.equal(image.height, 240);
    assert.equal(info.decoder, backend.name);
    assert.equal(info.baselineExposureEv, 1);
    const lin = (p: (typeof CHART_PATCHES)[number]): number[] => patchMean(image, p.rect).map((v) => srgbToLinear(v) / info.gain);
    for (const p of CHART_PATCHES) {
      const got = lin(p);
      for (let c = 0; c < 3; c++) {
        const rel = Math.abs(got[c] - p.rgb[c]) / p.rgb[c];
        assert.ok(rel < 0.03, `${p.name}[${c}]: expected ${p.rgb[c]}, got ${got[c].toFixed(4)}`);
      }
    }
    // Exposure ratios between grey patches: each is one stop apart.
    const g = ['grey05', 'grey10', 'grey20', 'grey40'].map((n) => lin(CHART_PATCHES.find((p) => p.name === n)!)[1]);
    for (let i = 1; i < g.length; i++) assert.ok(Math.abs(g[i] / g[i - 1] - 2) < 0.04, `ratio ${g[i] / g[i - 1]}`);
    // White balance: the raw neutral was (0.5, 1, 0.8); after -w grey is grey again.
    for (const n of ['grey20', 'grey40', 'bright']) {
      const [r, gg, b] = patchMean(image, CHART_PATCHES.find((p) => p.name === n)!.rect);
      assert.ok(Math.abs(r / gg - 1) < 0.01 && Math.abs(b / gg - 1) < 0.01, `${n} not neutral: ${r} ${gg} ${b}`);
    }
    // Headroom: 0.9 × 2^1 = 1.8 linear -> about 1.29 encoded, kept above 1, not clipped.
    const bright = patchMean(image, CHART_PATCHES.find((p) => p.name === 'bright')!.rect);
    assert.ok(bright[1] > 1.25 && bright[1] < 1.33, `bright patch ${bright[1]}`);
    assert.ok(info.maxValue > 1.25);
    // Gradient: monotonic left to right along the bottom band.
    const y = Math.round(((GRADIENT_Y0 + 1) / 2) * image.height);
    let prev = -1;
    for (let x = 8; x < image.width - 8; x += 8) {
      const v = image.data[(y * image.width + x) * 3 + 1];
      assert.ok(v >= prev - 1e-3, `gradient not monotonic at x=${x}`);
      prev = v;
    }
  });
}

for (const backend of backends) {
  test(`BaselineExposure can be ignored and extra exposure applied (${backend.name})`, async () => {
    const f = join(dir, `be-${backend.name}.dng`);
    writeSyntheticDng(f, { width: 64, height: 64, baselineExposure: 2 });
    const plain = await backend.decode(f, { baselineExposure: false });
    assert.equal(plain.info.gain, 1);
    const grey = CHART_PATCHES.find((p) => p.name === 'grey20')!;
    assert.ok(Math.abs(srgbToLinear(patchMean(plain.image, grey.rect, 3)[1]) - 0.2) < 0.01);
    const pushed = await backend.decode(f, { exposureEv: -1 });
    assert.equal(pushed.info.gain, 2); // 2^(2 - 1)
  });

  test(`half-size decoding halves both sides and keeps the values (${backend.name})`, async () => {
    const f = join(dir, `half-${backend.name}.dng`);
    writeSyntheticDng(f, { width: 320, height: 240 });
    const { image, info } = await backend.decode(f, { halfSize: true });
    assert.equal(info.halfSize, true);
    assert.equal(image.width, 160);
    assert.equal(image.height, 120);
    const grey = CHART_PATCHES.find((p) => p.name === 'grey40')!;
    assert.ok(Math.abs(srgbToLinear(patchMean(image, grey.rect, 2)[1]) - 0.4) < 0.012);
  });
}

test('the real Blackmagic DNG decodes with plausible content (full and half size)', async () => {
  const realDng = dataPath('raw', 'blackmagic_pocket4k_dng', 'Blackmagic.dng');
  const { image, meta } = await readImage(realDng);
  assert.equal(meta.format, 'raw');
  assert.equal(image.width, 4128);
  assert.equal(image.height, 2176);
  assert.ok(meta.raw && meta.raw.baselineExposureEv > 2.5 && meta.raw.baselineExposureEv < 2.8);
  let sum = 0;
  let min = Infinity;
  let max = 0;
  const chan = [0, 0, 0];
  for (let i = 0; i < image.data.length; i += 301) {
    const v = image.data[i];
    sum += v;
    chan[i % 3] += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / Math.ceil(image.data.length / 301);
  assert.ok(mean > 0.05 && mean < 1.2, `mean ${mean}`);
  assert.ok(max - min > 0.3, 'has contrast');
  assert.ok(Math.abs(chan[0] - chan[1]) > 1e-3 || Math.abs(chan[1] - chan[2]) > 1e-3, 'is colour, not grey');
  const half = await readImage(realDng, { rawHalfSize: true });
  assert.equal(half.image.width, 2064);
  assert.equal(half.image.height, 1088);
});

/** Live processes whose command line names this file (a decoder child working on it). */
function decoderPids(file: string): string[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(file);
      } catch {
        return false; // exited meanwhile
      }
    });
}

test('decoding is cancelled by an AbortSignal: the decoder child is killed mid-decode', async () => {
  // 4000×3000: demosaicing takes the decoder far longer than one poll below, and its 72 MB
  // of output cannot sit in a pipe, so the abort lands while the child is still working.
  const f = join(dir, 'cancel.dng');
  writeSyntheticDng(f, { width: 4000, height: 3000 });
  const ac = new AbortController();
  const p = decodeRaw(f, { signal: ac.signal });
  await waitFor(() => decoderPids(f).length > 0, 'the decoder child to start', { everyMs: 2 });
  ac.abort();
  await assert.rejects(p, (e: unknown) => e instanceof EvenlightError && e.code === 'CANCELLED' && e.message === `${f}: cancelled`);
  await waitFor(() => decoderPids(f).length === 0, 'the decoder child to be gone', { timeoutMs: 10_000 });
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(decodeRaw(f, { signal: pre.signal }), (e: unknown) => e instanceof EvenlightError && e.code === 'CANCELLED');
});

