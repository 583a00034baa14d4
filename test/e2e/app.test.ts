// End-to-end: the real app (built renderer + `evenlight serve` child process + engine) in
// Debian's Chromium via playwright-core. A temp folder gets a few real photos from the
// data package and one real bracket; screenshots land in test-artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { artifactsDir, dataPath, tmpDir } from '../helpers/paths';
import { CHROMIUM_HINT, findChromium } from './chromium';
import { startServe, type ServeProcess } from './serve-process';
import { writeImage } from '../../electron/engine/image/io';

// Functions passed to page.waitForFunction run in the browser; the test tsconfig has no DOM
// lib, so the little they touch is declared here.
interface PageNode {
  textContent: string | null;
}
declare const document: { querySelector(s: string): PageNode | null; querySelectorAll(s: string): ArrayLike<PageNode> & Iterable<PageNode> };

const CHROMIUM = findChromium();
// Without a browser this suite skips, which fails a CI run (test/run.mjs); missing data fails it.
const skip = CHROMIUM ? false : `no browser (${CHROMIUM_HINT})`;

const PHOTOS = ['photos/kodak24/kodim01.png', 'photos/kodak24/kodim05.png', 'raw/blackmagic_pocket4k_dng/Blackmagic.dng'];
const BRACKET = 'brackets/rawio_canon5d3_foyer'; // EXIF capture times group it as one bracket

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
    for (const f of readdirSync(dataPath(BRACKET)).filter((n) => n.endsWith('.jpg'))) copyFileSync(join(dataPath(BRACKET), f), join(folder, f));
    mkdirSync(artifactsDir, { recursive: true });
    serve = await startServe();
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('websocket', (ws) => ws.on('framereceived', (f) => typeof f.payload !== 'string' && binaryFrames++));
    page.on('pageerror', (err) => console.error('page error:', err.message));
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('opens a folder by path and shows thumbnails with markers and EXIF', async () => {
    await page.goto(serve.url);
    await page.getByTestId('open-folder').click();
    await page.getByTestId('folder-path').fill(folder);
    await page.getByTestId('folder-open').click();
    const total = PHOTOS.length + 3;
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=thumb][data-loaded=yes]').length === n, total, { timeout: 90_000 });
    assert.equal(await page.locator('.marker.raw').count(), 1);
    // EXIF badges from the Canon frames (exposure time, ISO, f-number)
    await page.waitForFunction(() => [...document.querySelectorAll('.badge')].some((b) => /^ISO \d+/.test(b.textContent ?? '')), null, { timeout: 30_000 });
    assert.ok(!new URL(page.url()).searchParams.has('token'), 'token is removed from the address bar');
    await shot('library');
  });

  test('keyboard navigation and Enter open the editor', async () => {
    await page.getByTestId('grid').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    // the "before" streams in as binary strips; its histogram is drawn once all arrived
    await page.waitForSelector('[data-testid=hist-before][data-filled=yes]', { timeout: 60_000 });
  });

  test('draws an ROI, normalises, tiles arrive as binary frames and paint the canvas', async () => {
    await page.locator('[data-tool=rect]').click();
    const box = (await page.getByTestId('stage').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    assert.equal(await page.getByTestId('roi').count(), 1);
    // an ellipse and a brush stroke too: all three ROI kinds go to the engine together
    await page.locator('[data-tool=ellipse]').click();
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.8, { steps: 4 });
    await page.mouse.up();
    await page.locator('[data-tool=brush]').click();
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.85);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.75, { steps: 6 });
    await page.mouse.up();
    assert.equal(await page.getByTestId('roi').count(), 3);
    await page.locator('[data-mode=ai]').click(); // falls back to classic when no model ships
    const before = binaryFrames;
    await page.getByTestId('normalize').click();
    await page.waitForFunction(
      () => {
        const t = document.querySelector('[data-testid=tile-count]')?.textContent ?? '';
        const m = /(\d+) \/ (\d+) tiles/.exec(t);
        return m && Number(m[1]) === Number(m[2]) && Number(m[2]) > 0 && document.querySelector('[data-testid=normalize]');
      },
      null,
      { timeout: 120_000 },
    );
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

  test('100 % zoom pans with the hand tool; export writes the full-size file', async () => {
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
    await page.keyboard.press('z');
    await page.getByTestId('export').click();
    await page.waitForSelector('[data-testid=exported]', { timeout: 120_000 });
    const out = (await page.getByTestId('exported').textContent())!.trim();
    assert.ok(out.startsWith(join(folder, 'evenlight')), out);
    assert.ok(existsSync(out), `${out} exists`);
  });

  test('cancel stops a running normalisation mid-photo', async () => {
    await page.locator('[data-mode=ai]').click();
    await page.getByTestId('normalize').click();
    await page.getByTestId('cancel').click();
    // the AI pass on this photo takes seconds, so the cancel lands mid-photo
    await page.waitForFunction(() => /Cancelled|normalised|\.dng:/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60_000 });
    assert.equal(await page.getByTestId('status').textContent(), 'Cancelled');
    await page.waitForSelector('[data-testid=normalize]');
  });

  test('runs a batch and sees it finish with outputs on disk', async () => {
    await page.locator('[data-view=batch]').click();
    const out = join(folder, 'out-batch');
    await page.getByTestId('batch-out').fill(out);
    await page.locator('.batch select').nth(1).selectOption('classic');
    await page.getByTestId('batch-start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=batch-done]') || document.querySelector('.statusbar.error'), null, { timeout: 240_000 });
    assert.equal(await page.getByTestId('batch-done').count(), 1, `batch did not finish: ${await page.getByTestId('status').textContent()}`);
    const text = (await page.getByTestId('batch-done').textContent()) ?? '';
    assert.match(text, /Done: \d+ written/);
    assert.ok(readdirSync(out).length >= PHOTOS.length, `outputs: ${readdirSync(out).join(', ')}`);
    await shot('batch');
  });

  test('compare view for the bracket: AI vs fusion with metrics', async () => {
    await page.locator('[data-view=compare]').click();
    await page.waitForSelector('[data-testid=bracket-group]');
    await page.getByTestId('compare-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=metrics]') || document.querySelector('.statusbar.error'), null, { timeout: 180_000 });
    assert.equal(await page.getByTestId('metrics').count(), 1, `compare failed: ${await page.getByTestId('status').textContent()}`);
    const metrics = (await page.getByTestId('metrics').textContent()) ?? '';
    assert.match(metrics, /PSNR[\d.]+ dB/);
    await shot('compare');
    await page.getByTestId('heatmap-toggle').check();
    await page.waitForSelector('[data-testid=heatmap]');
    await shot('heatmap');
  });

  test('a folder of 3000 photos: only the visible rows are rendered, scrolling reaches the end', async () => {
    const big = join(folder, 'many');
    mkdirSync(big);
    // one tiny real JPEG written by our own encoder, copied under many names
    const data = new Float32Array(48 * 32 * 3).map((_, i) => (i % 97) / 97);
    await writeImage(join(big, 'img-00000.jpg'), { width: 48, height: 32, data }, { format: 'jpeg' });
    for (let i = 1; i < 3000; i++) copyFileSync(join(big, 'img-00000.jpg'), join(big, `img-${String(i).padStart(5, '0')}.jpg`));
    await page.locator('[data-view=library]').click();
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
  });

  test('the bridge refuses a wrong token and a foreign origin', async () => {
    const wrong = await fetch(`${serve.origin}/?token=nope`);
    assert.equal(wrong.status, 403);
    // (string-bodied evaluate: tsx would inject a __name helper into a function body)
    const probe = (url: string) =>
      `new Promise((resolve) => { const ws = new WebSocket(${JSON.stringify(url)}); ws.onopen = () => { ws.close(); resolve('open'); }; ws.onerror = () => resolve('refused'); })`;
    const wsBase = serve.origin.replace('http', 'ws');
    assert.equal(await page.evaluate(probe(`${wsBase}/ws?token=${serve.token}`)), 'open', 'the right token from the app origin connects');
    const result = { wrongToken: await page.evaluate(probe(`${wsBase}/ws?token=wrong`)) };
    assert.equal(result.wrongToken, 'refused');
    // a page on another origin holding the right token is refused too
    const other = await browser.newPage();
    await other.goto('about:blank');
    const foreign = await other.evaluate(probe(`${wsBase}/ws?token=${serve.token}`));
    assert.equal(foreign, 'refused');
    await other.close();
  });
});
