#!/usr/bin/env node
// `npm start`: builds the library and the demo pages, then serves them with the token endpoint.
// Without OPENAI_API_KEY the tokens come from an embedded mock realtime server (offline, no costs);
// with it, from OpenAI. PORT (default 5173; 0 = any free port) chooses the port on 127.0.0.1 (the
// microphone needs a secure context, which plain http has only on localhost); SKIP_BUILD=1 serves
// the existing dist/. Ctrl-C stops everything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function step(name, args) {
  console.log(`> ${name}`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm start: ${name} failed.`);
    process.exit(r.status ?? 1);
  }
}

function port() {
  const value = process.env.PORT ?? '5173';
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    console.error(`npm start: PORT must be a port number (0 picks a free one), got "${value}".`);
    process.exit(1);
  }
  return n;
}

const wantedPort = port();
if (!process.env.SKIP_BUILD) {
  step('building the library (dist/)', ['scripts/build.mjs']);
  step('building the demo pages (dist/demo/)', ['node_modules/vite/bin/vite.js', 'build', '--config', 'demo/vite.config.ts', '--logLevel', 'warn']);
}
for (const file of ['dist/demo/index.html', 'dist/realtime-voice.iife.js']) {
  if (!existsSync(file)) {
    console.error(`npm start: ${file} is missing; run without SKIP_BUILD to build it.`);
    process.exit(1);
  }
}

const { startDemoServer } = await tsImport('../demo/server.ts', import.meta.url);
const apiKey = process.env.OPENAI_API_KEY?.trim() || undefined;
let server;
try {
  server = await startDemoServer({
    root: 'dist/demo',
    bundleDir: 'dist',
    host: '127.0.0.1',
    port: wantedPort,
    openaiApiKey: apiKey,
  });
} catch (error) {
  if (error?.code === 'EADDRINUSE') {
    console.error(`npm start: port ${wantedPort} is in use. Set PORT to another one (PORT=0 picks a free port).`);
  } else {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}

const realtime = server.mock
  ? `embedded mock at ${server.realtimeUrl}`
  : `OpenAI at ${server.realtimeUrl}`;
const how = server.mock
  ? 'No OPENAI_API_KEY: the mock answers (offline, no costs). Set OPENAI_API_KEY to talk to OpenAI.'
  : 'Keys are minted with OPENAI_API_KEY, which never reaches the browser.';
console.log(`
Demo: ${server.url}  (realtime: ${realtime})
  ${how}
  ${server.url}               landing page (the widget from one script tag)
  ${server.url}theming.html   three looks through ::part and custom properties
  ${server.url}react.html     React 19 with typed props and events
  ${server.url}tools.html     page tools the assistant calls (colour scheme, scrolling, cart)
  ${server.url}captions.html  transcription mode: live captions
  Token endpoint: POST ${server.url}api/realtime-token
Press Ctrl-C to stop.`);

let stopping = false;
function stop(signal) {
  if (stopping) {
    process.exit(130); // a second Ctrl-C: do not wait any longer
  }
  stopping = true;
  console.log(`\n${signal}: stopping the demo server${server.mock ? ' and the mock' : ''}...`);
  server.close().then(
    () => {
      console.log('Stopped.');
      process.exit(0);
    },
    (error) => {
      console.error(`npm start: could not stop cleanly: ${error?.message ?? error}`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
