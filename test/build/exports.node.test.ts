import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

// The package's public entry points, resolved through its own `exports` map as users resolve them.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

test('every export of package.json points at built files that exist', () => {
  for (const [name, target] of Object.entries<Record<string, string> | string>(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(existsSync(file), `export ${name} points at missing ${file}`);
    }
  }
});

test('realtime-voice/server resolves to the token handler', async () => {
  const server = await import('realtime-voice/server');
  assert.equal(typeof server.createTokenHandler, 'function');
  assert.equal(typeof server.toNodeListener, 'function');
});

test('realtime-voice/client resolves to the event client without the element', async () => {
  const client = await import('realtime-voice/client');
  assert.equal(typeof client.RealtimeClient, 'function');
  const code = readFileSync('dist/esm/client/client.js', 'utf8');
  assert.doesNotMatch(code, /from ['"]lit/, 'the client must not pull in Lit');
});

test('the npm build leaves lit and zod as shared bare imports', () => {
  const element = readFileSync('dist/esm/realtime-voice.js', 'utf8');
  assert.match(element, /from ['"]lit['"]/);
  assert.doesNotMatch(readFileSync('dist/realtime-voice.js', 'utf8'), /from ['"]lit['"]/);
});

test("an app's bundler splits the npm build the same way: the engine behind a dynamic import", async () => {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: ['dist/esm/index.js'], bundle: true, splitting: true, format: 'esm', write: false, outdir: 'out',
    minify: true, logLevel: 'silent', external: [],
  });
  const entry = out.outputFiles.find((f) => f.path.endsWith('/out/index.js'))!;
  const engine = out.outputFiles.filter((f) => f !== entry && f.text.includes('input_audio_buffer.append'));
  assert.ok(entry, out.outputFiles.map((f) => f.path).join(' '));
  assert.doesNotMatch(entry.text, /input_audio_buffer\.append/, 'the client is in the first chunk');
  assert.match(entry.text, /customElements\.define\(\s*["'`]realtime-voice/);
  assert.equal(engine.length, 1, 'one engine chunk');
  assert.ok(engine[0]!.contents.length > entry.contents.length, `engine ${engine[0]!.contents.length} B, entry ${entry.contents.length} B`);
});

test('custom-elements.json describes the element and is named in package.json', () => {
  assert.equal(pkg.customElements, 'dist/custom-elements.json');
  const manifest = JSON.parse(readFileSync(pkg.customElements, 'utf8'));
  const decl = manifest.modules.flatMap((m: { declarations?: unknown[] }) => m.declarations ?? [])
    .find((d: { tagName?: string }) => d.tagName === 'realtime-voice') as
    { attributes: { name: string }[]; events: { name: string }[]; cssParts: { name: string }[] };
  assert.ok(decl, 'no declaration for <realtime-voice>');
  for (const a of ['token-url', 'turn-detection', 'worklet-url', 'worker-url', 'engine-url']) assert.ok(decl.attributes.some((x) => x.name === a), a);
  for (const e of ['rv-state', 'rv-transcript', 'rv-tool-call', 'rv-error']) assert.ok(decl.events.some((x) => x.name === e), e);
  for (const part of ['base', 'button', 'transcript']) assert.ok(decl.cssParts.some((x) => x.name === part), part);
});

test('realtime-voice/mock starts and stops the built mock server', async () => {
  const { startMockRealtime } = await import('realtime-voice/mock');
  const mock = await startMockRealtime({ port: 0 });
  try {
    assert.match(mock.url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
    const res = await fetch(mock.tokenUrl, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const token = await res.json();
    assert.match(token.value, /^ek_/);
    assert.equal(token.url, mock.url);
  } finally {
    await mock.close();
  }
});

test('the realtime-voice-mock bin is an executable Node script in dist', () => {
  const bin = pkg.bin['realtime-voice-mock'];
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node/);
});

test('dist/realtime-voice.worklet.js is a standalone module that registers both processors', async () => {
  const code = readFileSync(pkg.exports['./worklet'], 'utf8');
  assert.doesNotMatch(code, /^\s*import\s/m, 'a worklet module for strict-CSP pages must import nothing');
  // Evaluate it against a stand-in AudioWorkletGlobalScope and see what it registers.
  const registered: string[] = [];
  const g = globalThis as Record<string, unknown>;
  const scope = { AudioWorkletProcessor: class {}, registerProcessor: (name: string) => registered.push(name), sampleRate: 48000, currentTime: 0 };
  Object.assign(g, scope);
  try {
    new Function(code)();
  } finally {
    for (const key of Object.keys(scope)) delete g[key];
  }
  assert.deepEqual(registered.sort(), ['realtime-voice-capture', 'realtime-voice-playback']);
});

test('dist/realtime-voice.worker.js is a standalone classic worker script that starts the socket worker', () => {
  const code = readFileSync(pkg.exports['./worker'], 'utf8');
  assert.doesNotMatch(code, /^\s*(import|export)\s/m, 'a classic worker script for strict-CSP pages must import nothing');
  // Run it against a stand-in worker global: it installs its message handler and says it is ready.
  const posted: unknown[] = [];
  const self = { postMessage: (m: unknown) => posted.push(m), onmessage: null as unknown };
  new Function('self', code)(self);
  assert.deepEqual(posted, [{ t: 'ready' }]);
  assert.equal(typeof self.onmessage, 'function');
});
