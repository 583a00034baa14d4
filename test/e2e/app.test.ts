// End-to-end: the real app (built renderer + `evenlight serve` child process + engine) in
// Debian's Chromium via playwright-core. A temp folder gets a few real photos from the
// data package, one made dark here, and one real bracket; screenshots land in
// test-artifacts/. Every test opens its own page and gets to its state by itself, so any
// one of them can run, fail or be skipped alone.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { basename, extname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { artifactsDir, dataPath, tmpDir } from '../helpers/paths';
import { CHROMIUM_HINT, findChromium } from './chromium';
import { startServe, type ServeProcess } from './serve-process';
import { makeTestModel } from '../helpers/onnx-models';
import { hasOptimisedTables } from '../helpers/jpeg-tables';
import { writeImage } from '../../electron/engine/image/io';

// Functions passed to page.waitForFunction run in the browser; the test tsconfig has no DOM
// lib, so the little they touch is declared here.
interface PageNode {
  textContent: string | null;
}
/** A canvas as page.evaluate sees it (the tests compile without the DOM library). */
interface CanvasNode {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: { querySelector(s: string): PageNode | null; querySelectorAll(s: string): ArrayLike<PageNode> & Iterable<PageNode> };

const CHROMIUM = findChromium();
// Without a browser this suite skips, which fails a CI run (test/run.mjs); missing data fails it.
const skip = CHROMIUM ? false : `no browser (${CHROMIUM_HINT})`;

const PHOTOS = ['photos/kodak24/kodim01.png', 'photos/kodak24/kodim05.png', 'raw/blackmagic_pocket4k_dng/Blackmagic.dng'];
const BRACKET = 'brackets/rawio_canon5d3_foyer'; // EXIF capture times group it as one bracket
const BRACKET_FRAMES = 3;
// made here: kodim05 at 2600×1733 (larger than the editor's 2048 px working size), darkened
const DARK = { name: 'dark.png', width: 2600, height: 1733 };
const TOTAL = PHOTOS.length + 1 + BRACKET_FRAMES;

describe('app in a real browser over the serve bridge', { skip }, () => {
  let folder = '';
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let binaryFrames = 0;
  const shot = (name: string) => page.screenshot({ path: join(artifactsDir, `e2e-${name}.png`) });

  before(async () => {
    folder = tmpDir('evenlight-e2e-');
    for (const p of PHOTOS) copyFileSync(dataPath(p), join(folder, p.split('/').pop()!));
    const frames = readdirSync(dataPath(BRACKET)).filter((n) => n.endsWith('.jpg'));
    assert.equal(frames.length, BRACKET_FRAMES);
    for (const f of frames) copyFileSync(join(dataPath(BRACKET), f), join(folder, f));
    await sharp(dataPath('photos/kodak24/kodim05.png')).resize(DARK.width, DARK.height, { fit: 'fill' }).linear(0.3, 0).png().toFile(join(folder, DARK.name));
    mkdirSync(artifactsDir, { recursive: true });
    serve = await startServe();
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  // a fresh page (and so a fresh bridge connection) for every test
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    binaryFrames = 0;
    page.on('websocket', (ws) => ws.on('framereceived', (f) => typeof f.payload !== 'string' && binaryFrames++));
    page.on('pageerror', (err) => console.error('page error:', err.message));
  });
  afterEach(async () => {
    await page?.close();
  });

  async function openLibrary(dir = folder, count = TOTAL): Promise<void> {
    await page.goto(serve.url);
    await page.getByTestId('open-folder').click();
    await page.getByTestId('folder-path').fill(dir);
    await page.getByTestId('folder-open').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=thumb][data-loaded=yes]').length === n, count, { timeout: 90_000 });
  }

  async function openEditor(name: string): Promise<void> {
    await openLibrary();
    await page.locator(`[data-testid=thumb][title="${name}"]`).dblclick();
    // the "before" streams in as binary strips; its histogram is drawn once all arrived
    await page.waitForSelector('[data-testid=hist-before][data-filled=yes]', { timeout: 90_000 });
  }

  async function normalizeAndWait(mode: 'ai' | 'classic'): Promise<void> {
    await page.locator(`[data-mode=${mode}]`).click();
    await page.getByTestId('normalize').click();
    await page.waitForFunction(
      () => {
        const t = document.querySelector('[data-testid=tile-count]')?.textContent ?? '';
        const m = /(\d+) \/ (\d+) tiles/.exec(t);
        return m && Number(m[1]) === Number(m[2]) && Number(m[2]) > 0 && document.querySelector('[data-testid=normalize]');
      },
      null,
      { timeout: 180_000 },
    );
  }

  /** Drags on the stage from one fraction of the shown photo to another. */
  async function drag(from: [number, number], to: [number, number], steps = 5): Promise<void> {
    const box = (await page.locator('.box').boundingBox())!;
    await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps });
    await page.mouse.up();
  }

  test('opens a folder by path and shows thumbnails with markers and EXIF', async () => {
    await openLibrary();
    assert.equal(await page.locator('.marker.raw').count(), 1);
    // EXIF badges from the Canon frames (exposure time, ISO, f-number)
    await page.waitForFunction(() => [...document.querySelectorAll('.badge')].some((b) => /^ISO \d+/.test(b.textContent ?? '')), null, { timeout: 30_000 });
    assert.ok(!new URL(page.url()).searchParams.has('token'), 'token is removed from the address bar');
    await shot('library');
  });

  test('keyboard navigation and Enter open the editor', async () => {
    await openLibrary();
    await page.getByTestId('grid').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=hist-before][data-filled=yes]', { timeout: 90_000 });
  });

  test('draws three ROIs, normalises, tiles arrive as binary frames and paint the canvas', async () => {
    await openEditor('Blackmagic.dng');
    await page.locator('[data-tool=rect]').click();
    await drag([0.3, 0.3], [0.6, 0.6]);
    assert.equal(await page.getByTestId('roi').count(), 1);
    // an ellipse and a brush stroke too: all three ROI kinds go to the engine together
    await page.locator('[data-tool=ellipse]').click();
    await drag([0.65, 0.6], [0.8, 0.8], 4);
    await page.locator('[data-tool=brush]').click();
    await drag([0.1, 0.85], [0.25, 0.75], 6);
    assert.equal(await page.getByTestId('roi').count(), 3);
    const before = binaryFrames;
    await normalizeAndWait('ai');
    const painted = Number(await page.getByTestId('after-canvas').getAttribute('data-tiles'));
    assert.ok(painted > 1, `tiles painted: ${painted}`);
    assert.equal(binaryFrames - before, painted, 'one binary WebSocket frame per painted tile');
    const stats = (await page.evaluate(`(() => {
      const c = document.querySelector('[data-testid=after-canvas]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let opaque = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] === 255) opaque++;
      return { opaque, pixels: c.width * c.height };
    })()`)) as { opaque: number; pixels: number };
    assert.equal(stats.opaque, stats.pixels, 'every pixel of the after canvas was painted by a tile');
    await page.waitForSelector('[data-testid=hist-after][data-filled=yes]');
    await shot('editor');
  });

  test('drags the before/after slider and toggles with backslash', async () => {
    await openEditor('kodim05.png');
    await normalizeAndWait('classic');
    const split = page.getByTestId('split');
    const b = (await split.boundingBox())!;
    const start = Number(await split.getAttribute('aria-valuenow'));
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x - 200, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    const moved = Number(await split.getAttribute('aria-valuenow'));
    assert.ok(moved < start - 5, `split moved from ${start} to ${moved}`);
    await shot('slider');
    await page.keyboard.press('\\');
    assert.equal(await page.getByTestId('split').count(), 0, 'before-only view hides the split');
    await page.keyboard.press('\\');
    assert.equal(await page.getByTestId('split').count(), 1);
  });

  test('100 % zoom pans with the hand tool', async () => {
    await openEditor('kodim05.png');
    await page.getByTestId('zoom-100').click();
    await page.locator('[data-tool=hand]').click();
    const boxEl = page.locator('.box');
    const t0 = await boxEl.getAttribute('style');
    const st = (await page.getByTestId('stage').boundingBox())!;
    await page.mouse.move(st.x + st.width / 2, st.y + st.height / 2);
    await page.mouse.down();
    await page.mouse.move(st.x + st.width / 2 + 150, st.y + st.height / 2 + 80, { steps: 4 });
    await page.mouse.up();
    const t1 = await boxEl.getAttribute('style');
    assert.notEqual(t1, t0, 'the photo moved');
    assert.match(t1 ?? '', /scale\(1\)/);
    await shot('zoom100');
  });

  test('export with a drawn rectangle: full size, changed under the rectangle, untouched beyond its feather', { timeout: 600_000 }, async () => {
    await openEditor(DARK.name);
    await page.locator('[data-mode=classic]').click();
    await page.getByLabel('Format').selectOption('png');
    await page.locator('[data-tool=rect]').click();
    await drag([0.3, 0.3], [0.6, 0.65]);
    // the rectangle as the editor holds it, in working-image pixels (long side 2048)
    const roi = page.getByTestId('roi');
    const [rx, ry, rw, rh] = await Promise.all(['x', 'y', 'width', 'height'].map(async (a) => Number(await roi.getAttribute(a))));
    const work = (await page.evaluate(`(() => { const b = document.querySelector('.box'); return [b.offsetWidth, b.offsetHeight]; })()`)) as [number, number];
    assert.equal(Math.max(...work), 2048, `working size ${work}`);
    await page.getByTestId('export').click();
    await page.waitForSelector('[data-testid=exported]', { timeout: 300_000 });
    const out = (await page.getByTestId('exported').textContent())!.trim();
    assert.equal(out, join(folder, 'evenlight', DARK.name));
    const read = async (p: string) => sharp(p).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const [src, dst] = await Promise.all([read(join(folder, DARK.name)), read(out)]);
    assert.deepEqual([dst.info.width, dst.info.height], [DARK.width, DARK.height], 'full size, not the working size');
    // the rectangle in full-size pixels; the feather is 5 % of the short side (the editor's default)
    const k = DARK.width / work[0];
    const [x0, y0, x1, y1] = [rx * k, ry * k, (rx + rw) * k, (ry + rh) * k];
    const reach = 0.05 * Math.min(DARK.width, DARK.height) + 4;
    let inside = 0, insideSum = 0, far = 0, farChanged = 0;
    for (let y = 0; y < DARK.height; y += 2)
      for (let x = 0; x < DARK.width; x += 2) {
        const i = (y * DARK.width + x) * 3;
        const d = Math.abs(dst.data[i] - src.data[i]) + Math.abs(dst.data[i + 1] - src.data[i + 1]) + Math.abs(dst.data[i + 2] - src.data[i + 2]);
        const dist = Math.hypot(Math.max(x0 - x, 0, x - x1), Math.max(y0 - y, 0, y - y1));
        if (x > x0 + 4 && x < x1 - 4 && y > y0 + 4 && y < y1 - 4) {
          inside++;
          insideSum += d / 3;
        } else if (dist > reach) {
          far++;
          if (d) farChanged++;
        }
      }
    assert.ok(inside > 10_000 && insideSum / inside > 15, `under the rectangle: mean change ${(insideSum / inside).toFixed(1)} levels over ${inside} px`);
    assert.ok(far > 100_000);
    assert.equal(farChanged, 0, `${farChanged} of ${far} px beyond the feather changed`);
  });

  /** Mean of max − min over the after canvas's RGB: how coloured the result is. */
  async function afterColour(): Promise<number> {
    return (await page.evaluate(`(() => {
      const c = document.querySelector('[data-testid=after-canvas]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
      return sum / (d.length / 4);
    })()`)) as number;
  }

  test('the Shadow colour slider belongs to AI: off in classic, and at 100 % the lifted photo keeps more colour', async () => {
    await openEditor(DARK.name);
    const slider = page.getByTestId('shadow-colour');
    await page.locator('[data-mode=classic]').click();
    assert.equal(await slider.isDisabled(), true, 'classic has no shadow colour');
    await normalizeAndWait('ai');
    assert.equal(await slider.isDisabled(), false);
    const modelColour = await afterColour();
    await slider.fill('1');
    await normalizeAndWait('ai');
    const kept = await afterColour();
    // the engine's own output of this photo gained about a fifth in CIELAB chroma at 1 (a scratch
    // check, 2026-12-06); a tenth leaves room for the canvas's 8 bits
    assert.ok(kept > modelColour * 1.1, `colour ${modelColour.toFixed(2)} → ${kept.toFixed(2)}`);
    await shot('shadow-colour');
  });

  test('cancel stops a running normalisation mid-photo', async () => {
    // the shipped model finishes a 2048 px photo in well under a second: this serve runs a
    // tile model that is slow by construction, so the cancel lands mid-photo on any machine
    const shipped = serve;
    const heavy = makeTestModel({ noContext: true, heavy: 12 });
    serve = await startServe({ EVENLIGHT_MODEL_DIR: heavy });
    try {
      await cancelMidPhoto();
    } finally {
      await serve.stop();
      serve = shipped;
      rmSync(heavy, { recursive: true, force: true });
    }
  });

  async function cancelMidPhoto(): Promise<void> {
    await openEditor('Blackmagic.dng');
    await page.locator('[data-mode=ai]').click();
    await page.getByTestId('normalize').click();
    // cancel once the first tile has arrived: the job has started, the rest is yet to come
    await page.waitForFunction(() => Number(/(\d+) \//.exec(document.querySelector('[data-testid=tile-count]')?.textContent ?? '')?.[1] ?? 0) >= 1, null, { timeout: 90_000 });
    await page.getByTestId('cancel').click();
    await page.waitForFunction(() => /Cancelled|normalised|\.dng:/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60_000 });
    assert.equal(await page.getByTestId('status').textContent(), 'Cancelled');
    const [done, total] = /(\d+) \/ (\d+)/.exec((await page.getByTestId('tile-count').textContent()) ?? '')!.slice(1).map(Number);
    assert.ok(done < total, `${done} of ${total} tiles painted`);
    await page.waitForSelector('[data-testid=normalize]');
  }

  test('runs a batch and sees every photo of the folder written', { timeout: 600_000 }, async () => {
    await openLibrary();
    await page.locator('[data-view=batch]').click();
    assert.equal(await page.getByTestId('batch-folder').inputValue(), folder);
    // inside the opened folder (the app writes nowhere else); the batch does not read its own output folder
    const out = join(folder, 'out-batch');
    await page.getByTestId('batch-out').fill(out);
    await page.locator('.batch select').nth(1).selectOption('classic');
    await page.getByTestId('optimize-jpeg').check(); // the option reaches the encoder (checked below)
    await page.getByTestId('batch-start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=batch-done]') || document.querySelector('.statusbar.error'), null, { timeout: 480_000 });
    assert.equal(await page.getByTestId('batch-done').count(), 1, `batch did not finish: ${await page.getByTestId('status').textContent()}`);
    const errors = (await page.getByTestId('batch-errors').count()) ? await page.getByTestId('batch-errors').textContent() : '';
    assert.match((await page.getByTestId('batch-done').textContent()) ?? '', new RegExp(`Done: ${TOTAL} written, 0 failed`), `errors: ${errors}`);
    const inputs = readdirSync(folder).filter((n) => /\.(png|jpg|dng)$/i.test(n));
    assert.equal(inputs.length, TOTAL);
    assert.deepEqual(readdirSync(out).sort(), inputs.map((n) => `${basename(n, extname(n))}.jpg`).sort());
    for (const n of readdirSync(out)) assert.ok(hasOptimisedTables(readFileSync(join(out, n))), `${n}: written with optimised Huffman tables`);
    await shot('batch');
    rmSync(out, { recursive: true, force: true });
  });

  test('compare view for the bracket: AI vs fusion with metrics', async () => {
    await openLibrary();
    await page.locator('[data-view=compare]').click();
    await page.waitForSelector('[data-testid=bracket-group]');
    await page.getByTestId('compare-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=metrics]') || document.querySelector('.statusbar.error'), null, { timeout: 180_000 });
    assert.equal(await page.getByTestId('metrics').count(), 1, `compare failed: ${await page.getByTestId('status').textContent()}`);
    const metrics = (await page.getByTestId('metrics').textContent()) ?? '';
    assert.match(metrics, /PSNR[\d.]+ dB/);
    // the corrected frame and the fusion arrived as binary frames and were painted: not blank
    const painted = (sel: string) =>
      page.evaluate((s) => {
        return [...(document.querySelectorAll(s) as unknown as Iterable<CanvasNode>)].map((c) => {
          const px = c.width && c.height ? c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data : new Uint8ClampedArray();
          let lit = 0;
          for (let i = 0; i < px.length; i += 4) if (px[i] + px[i + 1] + px[i + 2] > 30) lit++;
          return { w: c.width, lit };
        });
      }, sel);
    const pair = await painted('.pair canvas');
    assert.equal(pair.length, 2);
    for (const c of pair) assert.ok(c.w > 0 && c.lit > c.w, JSON.stringify(pair));
    await shot('compare');
    await page.getByTestId('heatmap-toggle').check();
    await page.waitForSelector('[data-testid=heatmap]');
    assert.ok((await painted('[data-testid=heatmap]'))[0]?.w > 0, 'heatmap painted');
    await shot('heatmap');
  });

  test('a folder of 3000 photos: only the visible rows are rendered, scrolling reaches the end', async () => {
    const big = tmpDir('evenlight-e2e-many-');
    try {
      // one tiny real JPEG written by our own encoder, copied under many names
      const data = new Float32Array(48 * 32 * 3).map((_, i) => (i % 97) / 97);
      await writeImage(join(big, 'img-00000.jpg'), { width: 48, height: 32, data }, { format: 'jpeg' });
      for (let i = 1; i < 3000; i++) copyFileSync(join(big, 'img-00000.jpg'), join(big, `img-${String(i).padStart(5, '0')}.jpg`));
      await page.goto(serve.url);
      await page.getByTestId('open-folder').click();
      await page.getByTestId('folder-path').fill(big);
      await page.getByTestId('folder-open').click();
      await page.waitForFunction(() => /3000 photos/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60_000 });
      const rendered = Number(await page.getByTestId('grid').getAttribute('data-rendered'));
      assert.ok(rendered > 0 && rendered < 200, `rendered ${rendered} of 3000`);
      await page.getByTestId('grid').focus();
      await page.keyboard.press('End');
      await page.waitForSelector('[aria-selected=true] [title="img-02999.jpg"]', { timeout: 30_000 });
      assert.ok(Number(await page.getByTestId('grid').getAttribute('data-rendered')) < 200);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=thumb][data-loaded=yes]').length > 10, null, { timeout: 60_000 });
      await shot('many');
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });

  test('the bridge refuses a wrong token and a foreign origin', async () => {
    await page.goto(serve.url);
    const wrong = await fetch(`${serve.origin}/?token=nope`);
    assert.equal(wrong.status, 403);
    // (string-bodied evaluate: tsx would inject a __name helper into a function body)
    const probe = (url: string) =>
      `new Promise((resolve) => { const ws = new WebSocket(${JSON.stringify(url)}); ws.onopen = () => { ws.close(); resolve('open'); }; ws.onerror = () => resolve('refused'); })`;
    const wsBase = serve.origin.replace('http', 'ws');
    assert.equal(await page.evaluate(probe(`${wsBase}/ws?token=${serve.token}`)), 'open', 'the right token from the app origin connects');
    assert.equal(await page.evaluate(probe(`${wsBase}/ws?token=wrong`)), 'refused');
    // a page on another origin holding the right token is refused too
    const other = await browser.newPage();
    await other.goto('about:blank');
    const foreign = await other.evaluate(probe(`${wsBase}/ws?token=${serve.token}`));
    assert.equal(foreign, 'refused');
    await other.close();
  });
});
