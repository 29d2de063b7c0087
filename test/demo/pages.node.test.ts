// The demo pages, built by Vite and served by the demo server (embedded mock), in Debian Chromium
// with the fake microphone: every page loads cleanly under its CSP; the React page's typed props and
// event handlers drive React state; the tools page's tools change the page when the assistant calls them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type {} from '../../src/index.js';
import { startDemoServer, type DemoServer } from '../../demo/server.js';
import { buildDemo, foreignHosts, launchChromium, root, watch } from './helpers.js';

const PAGES = ['/', '/theming.html', '/react.html', '/tools.html', '/captions.html'];
const TURN_TIMEOUT = { timeout: 45_000 };

let outDir: string;
let server: DemoServer;
let browser: Browser;

before(async () => {
  const iife = path.join(root, 'dist/realtime-voice.iife.js');
  assert.ok(existsSync(iife), `${iife} is missing: run "node scripts/build.mjs" first (npm test does).`);
  outDir = mkdtempSync(path.join(os.tmpdir(), 'rv-demo-'));
  await buildDemo(outDir);
  server = await startDemoServer({ root: outDir, bundleDir: path.join(root, 'dist'), port: 0, logger: false });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function open(pathname: string, options: { reducedMotion?: 'reduce' } = {}): Promise<{ page: Page; context: BrowserContext; seen: ReturnType<typeof watch> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: options.reducedMotion });
  const page = await context.newPage();
  const seen = watch(page);
  const response = await page.goto(new URL(pathname, server.url).href);
  assert.equal(response?.status(), 200, pathname);
  return { page, context, seen };
}

/** Types into the element's own text box and sends, as a visitor would. */
async function type(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(`${selector} [part~="input"]`).fill(text);
  await page.locator(`${selector} [part~="input"]`).press('Enter');
}

describe('demo pages', () => {
  test('every page loads under its Content-Security-Policy, from our own origin only, without errors', async () => {
    for (const pathname of PAGES) {
      const { page, context, seen } = await open(pathname);
      const csp = (await page.request.get(new URL(pathname, server.url).href)).headers()['content-security-policy'] ?? '';
      assert.match(csp, /script-src 'self' blob:/, pathname);
      assert.match(csp, new RegExp(`connect-src 'self' ${new URL(server.realtimeUrl).origin}`), pathname);
      await page.waitForFunction(() => {
        const all = [...document.querySelectorAll('realtime-voice')];
        return all.length > 0 && all.every((el) => el.shadowRoot?.querySelector('[part~="button"]'));
      });
      await assert.doesNotReject(page.getByText('Offline: embedded mock server').waitFor(), pathname);
      assert.equal(await page.locator('.demo-bar a[aria-current="page"]').count(), 1, `${pathname}: the demo bar marks the current page`);
      assert.deepEqual(seen.problems, [], pathname);
      assert.deepEqual(foreignHosts(seen.hosts), [], pathname);
      await context.close();
    }
  });

  test('theming: three looks style the element from outside, and :state() follows the session', async () => {
    const { page, context, seen } = await open('/theming.html');
    const style = (look: string, part: string, property: string) =>
      page.locator(`.look-${look} [part~="${part}"]`).first().evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);
    assert.match(await style('aurora', 'button', 'background-image'), /^linear-gradient/);
    assert.equal(await style('paper', 'button', 'border-top-width'), '2px');
    assert.equal(await style('paper', 'button', 'text-transform'), 'uppercase');
    assert.match(await style('terminal', 'base', 'font-family'), /DejaVu Sans Mono/);
    assert.equal(await style('terminal', 'base', 'border-top-left-radius'), '0px');
    // Each look's CSS is shown under its card, verbatim.
    assert.match(await page.locator('[data-css="paper"]').textContent() ?? '', /\.look-paper::part\(button\)/);

    assert.equal(await style('paper', 'status', 'font-style'), 'normal');
    await page.locator('.look-paper [part~="button"]').click();
    await page.waitForFunction(() => document.querySelector('.look-paper')!.matches(':state(listening)'));
    assert.equal(await style('paper', 'status', 'font-style'), 'italic');
    assert.equal(await style('paper', 'status', 'color'), 'rgb(30, 58, 138)');
    await page.locator('.look-paper [part~="button"]').click();
    await page.waitForFunction(() => document.querySelector('.look-paper')!.matches(':state(idle)'));
    assert.deepEqual(seen.problems, []);
    await context.close();
  });

  test('React 19: typed onrv-* handlers feed React state; props and a tool handler work through React', async () => {
    const { page, context, seen } = await open('/react.html');
    const stateBadge = page.getByLabel('Widget state');
    await assert.doesNotReject(stateBadge.getByText('Idle').waitFor());

    // A voice turn with the fake microphone: the React-rendered state and transcript follow the events.
    await page.locator('realtime-voice [part~="button"]').click();
    await stateBadge.getByText('Listening').waitFor();
    await page.locator('.line-assistant[data-final="true"]').first().waitFor(TURN_TIMEOUT);
    // The React list mirrors the element's own transcript, line for line (React renders a moment later).
    await page.waitForFunction(() => {
      const rendered = [...document.querySelectorAll('.lines li')].map((li) => li.textContent);
      const own = document.querySelector('realtime-voice')!.transcript.map((e) => `${e.role === 'user' ? 'You' : 'Assistant'} ${e.text}${e.final ? '' : ' …'}`);
      return rendered.length >= 2 && JSON.stringify(rendered) === JSON.stringify(own);
    }, null, TURN_TIMEOUT);
    const lines = await page.locator('.lines li').allTextContents();
    assert.match(lines[0]!, /^You \(\d+\.\d s of speech\)$/);
    assert.match(lines[1]!, /^Assistant You said: /);
    await page.waitForFunction(() => document.querySelector('output[data-state]')?.textContent === 'Listening', null, TURN_TIMEOUT);
    assert.match(await page.locator('.facts div').nth(1).textContent() ?? '', /Connect\d+ ms/);
    assert.match(await page.locator('.log').textContent() ?? '', /rv-transcript/);

    await page.getByRole('button', { name: 'disconnect()' }).click();
    await stateBadge.getByText('Idle').waitFor();
    await page.getByRole('button', { name: 'exportTranscript()' }).click();
    assert.match(await page.getByLabel('Exported transcript').textContent() ?? '', /^You: \(\d+\.\d s of speech\)\nAssistant: You said: /);

    // A typed message naming the tool: the mock calls add_note, whose handler sets React state.
    await type(page, 'realtime-voice', 'Please add_note for me.');
    await page.locator('.notes li').first().waitFor(TURN_TIMEOUT);
    assert.deepEqual(await page.locator('.notes li').allTextContents(), ['example']); // the mock's argument for a plain string
    await page.getByText('The add_note tool returned: {"added":"example"}').first().waitFor(TURN_TIMEOUT);

    // Props from React state reach the element: theme (a property) and text-input (a boolean attribute).
    await page.getByLabel('Theme').selectOption('dark');
    await page.waitForFunction(() => document.querySelector('realtime-voice')!.theme === 'dark');
    assert.equal(await page.locator('realtime-voice [part~="base"]').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(28, 28, 33)');
    assert.equal(await page.locator('realtime-voice [part~="input"]').count(), 1);
    await page.getByLabel('Text input').uncheck();
    await page.waitForFunction(() => !document.querySelector('realtime-voice')!.shadowRoot!.querySelector('[part~="input"]'));
    assert.equal(await page.locator('realtime-voice').getAttribute('text-input'), null);
    assert.deepEqual(seen.problems, []);
    await context.close();
  });

  test('tools: the assistant switches the colour scheme, scrolls to a section and fills the cart', async () => {
    const { page, context, seen } = await open('/tools.html');
    const voice = '#assistant-voice';
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(await background(), 'rgb(247, 248, 251)');
    await page.locator('.hint-mock').waitFor(); // the offline hint: tools are named in typed messages

    await type(page, voice, 'Please set_color_scheme.');
    await page.waitForFunction(() => getComputedStyle(document.documentElement).backgroundColor === 'rgb(15, 17, 23)', null, TURN_TIMEOUT);
    assert.equal(await page.locator('html').getAttribute('data-scheme'), 'dark');
    assert.equal(await page.getByRole('button', { name: 'Dark mode' }).getAttribute('aria-pressed'), 'true');
    // The widget follows the page's scheme (color-scheme: inherit).
    await page.waitForFunction(
      (sel) => getComputedStyle(document.querySelector(sel)!.shadowRoot!.querySelector('[part~="base"]')!).backgroundColor === 'rgb(28, 28, 33)',
      voice,
    );
    await page.getByText('The set_color_scheme tool returned: {"scheme":"dark"}').waitFor(TURN_TIMEOUT);
    assert.match(await page.locator('.calls li').first().textContent() ?? '', /^set_color_scheme \{"scheme":"dark"\} → \{"scheme":"dark"\}$/);

    // The offline chip sends a message naming scroll_to_section; the mock picks the first section, pricing.
    assert.equal(await page.evaluate(() => scrollY), 0);
    await page.getByRole('button', { name: 'scroll_to_section' }).click();
    await page.waitForFunction(() => {
      const top = document.getElementById('pricing')!.getBoundingClientRect().top;
      return scrollY > 0 && top >= 0 && top < 40;
    }, null, TURN_TIMEOUT);
    await page.getByText('The scroll_to_section tool returned: {"scrolledTo":"Pricing"}').waitFor(TURN_TIMEOUT);

    // add_to_cart has no handler: the page answers rv-tool-call with respond().
    await type(page, voice, 'Please call add_to_cart.');
    await page.locator('.cart-count').getByText('1').waitFor(TURN_TIMEOUT);
    assert.equal(await page.locator('.cart-items').textContent(), '(Starter)');
    await page.getByText('The add_to_cart tool returned: {"cart":["Starter"]}').waitFor(TURN_TIMEOUT);
    assert.deepEqual(seen.problems, []);
    assert.deepEqual(foreignHosts(seen.hosts), []);
    await context.close();
  });

  test('tools: a voice turn calls a page tool too (tool_choice forces it, as the mock does not understand speech)', async () => {
    const { page, context, seen } = await open('/tools.html', { reducedMotion: 'reduce' });
    await page.locator('#assistant-voice [part~="button"]').click();
    await page.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'listening');
    await page.evaluate(() => document.querySelector('realtime-voice')!.updateSession({ tool_choice: { type: 'function', name: 'scroll_to_section' } }));
    // The fake microphone's sentence ends the turn; the mock answers it with the forced call.
    await page.waitForFunction(() => {
      const top = document.getElementById('pricing')!.getBoundingClientRect().top;
      return scrollY > 0 && top >= 0 && top < 40;
    }, null, TURN_TIMEOUT);
    const transcript = await page.evaluate(() => document.querySelector('realtime-voice')!.transcript.map((e) => [e.role, e.text]));
    assert.equal(transcript[0]?.[0], 'user');
    assert.match(transcript[0]![1]!, /s of speech\)$/);
    assert.match(await page.locator('.calls li').first().textContent() ?? '', /^scroll_to_section \{"section":"pricing"\}/);
    await page.locator('#assistant-voice [part~="button"]').click();
    await page.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'idle');
    assert.deepEqual(seen.problems, []);
    await context.close();
  });

  test('captions: transcription mode shows live captions of the microphone, large, with no assistant', async () => {
    const { page, context, seen } = await open('/captions.html');
    await page.getByRole('button', { name: 'Start captions' }).click();
    const caption = page.locator('.stage .caption').first();
    await caption.waitFor(TURN_TIMEOUT);
    await page.waitForFunction(() => document.querySelector('.stage .caption:not(.partial)'), null, TURN_TIMEOUT);
    assert.match(await caption.textContent() ?? '', /^\(\d+\.\d s of speech\)$/);
    assert.equal(await caption.evaluate((el) => parseFloat(getComputedStyle(el).fontSize) >= 20), true);
    const roles = await page.evaluate(() => document.querySelector('realtime-voice')!.transcript.map((e) => e.role));
    assert.ok(roles.length > 0 && roles.every((r) => r === 'user'), `only the user's words: ${roles}`);
    assert.equal(await page.locator('realtime-voice [part~="output-level"]').count(), 0);
    await page.getByRole('button', { name: 'Stop captions' }).click();
    await page.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'idle');
    assert.equal(await page.getByRole('button', { name: 'Download transcript (.txt)' }).isEnabled(), true);
    assert.deepEqual(seen.problems, []);
    await context.close();
  });
});
