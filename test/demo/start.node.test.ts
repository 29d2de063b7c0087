// `npm start` as a user runs it, on a fresh copy of the working tree (the files git would commit, no
// dist/, node_modules linked): it builds, serves the landing page, a voice turn completes in Chromium
// with the fake microphone against the embedded mock, and Ctrl-C stops the server and the mock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RealtimeVoice } from '../../src/index.js';
import { foreignHosts, launchChromium, root, watch } from './helpers.js';

let copy: string;

/** The working tree as a fresh clone would have it: tracked and new files, nothing ignored (no dist/). */
function freshCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rv-start-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of new Set(listed.stdout.split('\0').filter(Boolean))) {
    const from = path.join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(from, path.join(dir, file));
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The environment of someone without an OpenAI key. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  delete e.OPENAI_API_KEY;
  delete e.SKIP_BUILD;
  return { ...e, ...extra };
}

/** Collects a child's output and resolves the first match of `pattern` (rejects when it exits first). */
function output(child: ChildProcess) {
  let text = '';
  const waiters: (() => void)[] = [];
  const take = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    get text() {
      return text;
    },
    closed,
    async match(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before printing ${pattern}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), closed, new Promise((r) => setTimeout(r, deadline - Date.now()).unref())]);
      }
    },
  };
}

/** Resolves true once nothing accepts connections on the port. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Processes of a process group that still run (zombies, exited but not yet reaped, do not count). */
function running(pgid: number): string[] {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && stat && !stat.startsWith('Z'))
    .map((fields) => fields.join(' '));
}

before(() => {
  copy = freshCopy();
});

after(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

test('npm start: builds, serves the landing page, a voice turn completes against the embedded mock, Ctrl-C stops it all', { timeout: 600_000 }, async (t) => {
  // detached: its own process group, so the test can press Ctrl-C on npm and its children as a terminal does.
  const child = spawn('npm', ['start'], { cwd: copy, env: env({ PORT: '0', OPENAI_API_KEY: '' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => running(child.pid!).length > 0 && process.kill(-child.pid!, 'SIGKILL'));
  const out = output(child);
  const [, url, mockUrl] = await out.match(/Demo: (http:\/\/127\.0\.0\.1:\d+\/) {2}\(realtime: embedded mock at (ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime)/, 540_000);
  assert.ok(existsSync(path.join(copy, 'dist/demo/react.html')), 'the demo pages were built');

  const browser = await launchChromium();
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  const seen = watch(page);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(url!);
  assert.match(await page.title(), /Crumb & Co\./);
  await page.getByText('Offline: embedded mock server').waitFor();

  // The floating compact widget: its round button opens the panel and the conversation.
  const corner = page.locator('#corner-voice');
  const button = corner.locator('[part~="button"]');
  assert.equal(await button.getAttribute('type'), 'button');
  assert.equal(await corner.locator('.panel').isVisible(), false);
  await button.click();
  await corner.locator('[part~="status"]').getByText('Listening').waitFor({ timeout: 30_000 });
  assert.equal(await corner.locator('.panel').isVisible(), true);
  // The fake microphone says its sentence; the mock answers it with voice and a transcript.
  await page.waitForFunction(() => (document.getElementById('corner-voice') as RealtimeVoice).state === 'speaking', null, { timeout: 60_000 });
  await page.waitForFunction(
    () => {
      const el = document.getElementById('corner-voice') as RealtimeVoice;
      return el.state === 'listening' && el.transcript.some((e) => e.role === 'assistant' && e.final);
    },
    null,
    { timeout: 60_000 },
  );
  assert.match(await corner.locator('[part~="user"]').first().innerText(), /\(\d+\.\d s of speech\)/);
  assert.match(await corner.locator('[part~="assistant"]').first().innerText(), /You said: /);
  await corner.locator('[part~="status"]').getByText('Listening').waitFor();
  assert.deepEqual(sockets.map((s) => s.split('?')[0]), [mockUrl]);
  assert.deepEqual(seen.problems, []);
  assert.deepEqual(foreignHosts(seen.hosts), []);

  // Ctrl-C while the session is still open.
  const demoPort = Number(new URL(url!).port);
  const mockPort = Number(new URL(mockUrl!).port);
  process.kill(-child.pid!, 'SIGINT');
  await out.closed;
  assert.match(out.text, /SIGINT: stopping the demo server and the mock\.\.\.\nStopped\.\n/);
  assert.equal(await refused(demoPort), true, 'the demo server is closed');
  assert.equal(await refused(mockPort), true, 'the mock is closed');
  assert.deepEqual(running(child.pid!), [], 'no process of npm start is left');
});

test('SIGTERM stops the server and the mock and exits 0 (SKIP_BUILD=1 reuses the build)', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(path.join(copy, 'dist/demo/index.html')), 'the previous test built the copy');
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: copy, env: env({ PORT: '0', SKIP_BUILD: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = output(child);
  const [, port] = await out.match(/Demo: http:\/\/127\.0\.0\.1:(\d+)\//, 60_000);
  const res = await fetch(`http://127.0.0.1:${port}/api/realtime-token`, { method: 'POST', headers: { Origin: `http://127.0.0.1:${port}` }, body: '{}' });
  const token = (await res.json()) as { value: string; url: string };
  assert.equal(res.status, 200);
  assert.match(token.value, /^ek_/);
  assert.match(token.url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
  child.kill('SIGTERM');
  const [code] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  assert.equal(code, 0, out.text);
  assert.match(out.text, /SIGTERM: stopping the demo server and the mock\.\.\.\nStopped\.\n/);
  assert.equal(await refused(Number(port)), true);
  assert.equal(await refused(Number(new URL(token.url).port)), true);
});

test('a port in use: a clear message and exit code 1', { timeout: 60_000 }, async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as AddressInfo).port;
  try {
    const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: copy, env: env({ PORT: String(port), SKIP_BUILD: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
    const out = output(child);
    const [code] = await new Promise<[number | null]>((resolve) => child.on('exit', (c) => resolve([c])));
    await out.closed;
    assert.equal(code, 1);
    assert.match(out.text, new RegExp(`port ${port} is in use\\. Set PORT to another one \\(PORT=0 picks a free port\\)\\.`));
  } finally {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  }
});
