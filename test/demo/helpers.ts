// Shared by the demo tests (and scripts/demo-screenshots.mjs): Debian Chromium with the fake
// microphone, a Vite build of the demo pages, and a watcher of what a page does wrong.
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = path.resolve(import.meta.dirname, '../..');
const wav = path.join(root, 'test/fixtures/speech-48k.wav');

/** The flags of web-test-runner.config.mjs: headless, no network chatter, the fake microphone playing the committed WAV. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${wav}`,
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    ignoreDefaultArgs: ['--mute-audio'],
  });
}

/** Builds the demo pages (demo/vite.config.ts) into `outDir`. */
export async function buildDemo(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'demo/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** Records page errors, console errors (CSP violations among them) and every host the page contacted. */
export function watch(page: Page): { problems: string[]; hosts: Set<string> } {
  const problems: string[] = [];
  const hosts = new Set<string>();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('request', (request) => hosts.add(new URL(request.url()).host));
  page.on('websocket', (socket) => hosts.add(new URL(socket.url()).host));
  return { problems, hosts };
}

/** Hosts other than 127.0.0.1 (the demo server and the mock). */
export const foreignHosts = (hosts: Set<string>) => [...hosts].filter((h) => h !== '' && !h.startsWith('127.0.0.1:'));
