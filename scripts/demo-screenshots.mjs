#!/usr/bin/env node
// Screenshots of the demo pages for the README (demo/screenshots/*.png): builds the demo pages, serves
// them against the embedded mock, and shoots each page after a short conversation in headless Chromium
// with the fake microphone. Needs dist/realtime-voice.iife.js (`node scripts/build.mjs`).
// Usage: node scripts/demo-screenshots.mjs [outDir]
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'demo/screenshots'));
if (!existsSync(path.join(root, 'dist/realtime-voice.iife.js'))) {
  console.error('demo-screenshots: dist/realtime-voice.iife.js is missing; run "node scripts/build.mjs" first.');
  process.exit(1);
}
const { startDemoServer } = await tsImport('../demo/server.ts', import.meta.url);
const { buildDemo, launchChromium } = await tsImport('../test/demo/helpers.ts', import.meta.url);

await buildDemo(path.join(root, 'dist/demo'));
mkdirSync(outDir, { recursive: true });
const server = await startDemoServer({ root: path.join(root, 'dist/demo'), bundleDir: path.join(root, 'dist'), port: 0, logger: false });
const browser = await launchChromium();
const WAIT = { timeout: 60_000 };

async function shoot(name, pathname, act, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, colorScheme: 'light', deviceScaleFactor: 1, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(new URL(pathname, server.url).href);
  await page.locator('.demo-bar-badge[data-realtime]').waitFor();
  await act(page);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(outDir, `${name}.png`), animations: 'disabled' });
  await context.close();
  console.log(`demo-screenshots: ${path.relative(root, path.join(outDir, `${name}.png`))}`);
}

/** Types into one element's own text box and waits until the assistant's spoken reply has played out. */
async function say(page, selector, text) {
  // Listen first: `listening` also shows briefly between response.done and the start of playback.
  const played = page.evaluate(
    (sel) =>
      new Promise((resolve) =>
        document.querySelector(sel).addEventListener('rv-state', (e) => e.detail.reason === 'playback-ended' && resolve()),
      ),
    selector,
  );
  await page.locator(`${selector} [part~="input"]`).fill(text);
  await page.locator(`${selector} [part~="input"]`).press('Enter');
  await played;
}

try {
  await shoot('landing', '/', async (page) => {
    await page.locator('#corner-voice [part~="button"]').click();
    await page.waitForFunction(() => {
      const el = document.querySelector('#corner-voice');
      return el.state === 'listening' && el.transcript.some((e) => e.role === 'assistant' && e.final);
    }, null, WAIT);
  });
  await shoot('theming', '/theming.html', async (page) => {
    await say(page, '.look-aurora', 'Make it glow.');
    await say(page, '.look-paper', 'A quiet reading room, please.');
    await say(page, '.look-terminal', 'ls ~/ideas');
    await page.evaluate(() => scrollTo(0, document.querySelector('.gallery').getBoundingClientRect().top + scrollY - 24));
  }, { width: 1280, height: 660 });
  await shoot('react', '/react.html', async (page) => {
    await say(page, 'realtime-voice', 'Please add_note: buy flour.');
    await page.evaluate(() => scrollTo(0, document.querySelector('.app').getBoundingClientRect().top + scrollY - 24));
  });
  await shoot('tools', '/tools.html', async (page) => {
    await say(page, '#assistant-voice', 'Please call set_color_scheme.');
    await say(page, '#assistant-voice', 'Please call add_to_cart.');
  });
  await shoot('captions', '/captions.html', async (page) => {
    await page.getByRole('button', { name: 'Start captions' }).click();
    await page.waitForFunction(() => document.querySelector('.stage .caption:not(.partial)'), null, WAIT);
    await page.evaluate(() => scrollTo(0, document.querySelector('.theatre').getBoundingClientRect().top + scrollY - 24));
  }, { width: 1280, height: 620 });
} finally {
  await browser.close();
  await server.close();
}
