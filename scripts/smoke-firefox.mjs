#!/usr/bin/env node
// `npm run smoke:firefox`: the demo's element in Firefox against the embedded mock, driven over
// WebDriver BiDi (puppeteer-core, the browser installed on the machine; nothing is downloaded).
// Firefox is not part of `npm test` (CI runs Chromium); this checks by hand what differs there: the
// AudioContext at the device's rate (44.1 kHz here, never forced), the worklets, the socket worker
// with the worklet's port transferred into it, a voice reply with its meter, and barge-in truncation.
// Needs Firefox (FIREFOX_PATH, default /usr/bin/firefox-esr) and a sound server: headless Firefox
// crashes on an AudioContext without one. With PulseAudio installed and none running, it starts one
// with a null sink (real-time clock, no sound card) and stops it at the end: left running, it becomes
// Chromium's output too, whose clock then drifts (the bench saw 23 ms frames). Exits non-zero when a
// check fails.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
if (!existsSync(firefox)) {
  console.error(`smoke:firefox: no Firefox at ${firefox}. Install Debian's firefox-esr (apt-get install firefox-esr) or set FIREFOX_PATH.`);
  process.exit(2);
}

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** Makes sure a sound server runs; true when this script started it (and so stops it). */
function soundServer() {
  try {
    run('pactl', ['info']);
    return false;
  } catch {
    // none running (or no pactl): start one below
  }
  try {
    run('pulseaudio', ['-D', '--exit-idle-time=-1']);
    run('pactl', ['load-module', 'module-null-sink', 'sink_name=rv_null']);
    run('pactl', ['set-default-sink', 'rv_null']);
    return true;
  } catch (error) {
    console.error(`smoke:firefox: no sound server, and PulseAudio could not be started (${String(error).split('\n')[0]}). Install Debian's pulseaudio (apt-get install pulseaudio).`);
    process.exit(2);
  }
}
const startedSoundServer = soundServer();

const server = spawn(process.execPath, ['scripts/start.mjs'], { env: { ...process.env, PORT: '0', OPENAI_API_KEY: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /Demo: (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
});

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: firefox,
  headless: true,
  extraPrefsFirefox: {
    'media.navigator.streams.fake': true, // a fake microphone (a tone), no prompt
    'media.navigator.permission.disabled': true,
    'media.autoplay.default': 0,
    'media.autoplay.block-webaudio': false,
  },
});

let failed = 0;
try {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  const r = await page.evaluate(async () => {
    let mainThreadSockets = 0;
    const PageWebSocket = WebSocket;
    window.WebSocket = class extends PageWebSocket {
      constructor(u, p) {
        super(u, p);
        mainThreadSockets++;
      }
    };
    const el = document.querySelector('realtime-voice');
    const states = [];
    const errors = [];
    const lines = [];
    const truncates = [];
    el.addEventListener('rv-state', (e) => states.push(e.detail.state));
    el.addEventListener('rv-error', (e) => errors.push(`${e.detail.code}: ${e.detail.message}`));
    el.addEventListener('rv-transcript', (e) => e.detail.final && lines.push(`${e.detail.role}: ${e.detail.text}`));
    el.addEventListener('rv-client-event', (e) => e.detail.type === 'conversation.item.truncate' && truncates.push(e.detail.audio_end_ms));
    const until = async (f, ms = 15000) => {
      const t0 = performance.now();
      while (!f()) {
        if (performance.now() - t0 > ms) return false;
        await new Promise((res) => setTimeout(res, 20));
      }
      return true;
    };
    const base = el.shadowRoot.querySelector('[part~=base]');
    const level = (name) => Number(base.style.getPropertyValue(name)) || 0;
    const peaks = { input: 0, output: 0 };
    const meter = setInterval(() => {
      peaks.input = Math.max(peaks.input, level('--rv-input-level'));
      peaks.output = Math.max(peaks.output, level('--rv-output-level'));
    }, 20);

    await el.connect();
    const listening = await until(() => el.state === 'listening');
    const probe = new AudioContext(); // the rate the element's contexts get too: it never forces one
    const rate = probe.sampleRate;
    await probe.close();
    await until(() => peaks.input > 0.1, 3000);
    const inputPeak = peaks.input;
    el.muted = true; // a steady tone never ends a turn: talk by text from here
    await el.sendText('Hello from Firefox');
    const spoke = await until(() => states.includes('speaking'));
    const replied = await until(() => states.at(-1) === 'listening' && lines.some((l) => l.startsWith('assistant: You wrote: Hello')));
    const outputPeak = peaks.output;
    // Barge-in: cut the next reply while it plays.
    const mark = states.length;
    await el.sendText('Please say something long enough to be interrupted while it plays');
    await until(() => states.slice(mark).includes('speaking'));
    await until(() => level('--rv-output-level') > 0.05, 3000);
    el.interrupt();
    await until(() => truncates.length > 0, 3000);
    const back = await until(() => el.state === 'listening');
    clearInterval(meter);
    el.disconnect();
    return { listening, rate, inputPeak, spoke, replied, outputPeak, truncates, back, states: states.join(' '), errors, lines, mainThreadSockets, ua: navigator.userAgent };
  });

  const checks = [
    ['the session opens (listening)', r.listening, r.states],
    ['the device rate is not 24 kHz, so capture resamples (and playback too)', r.rate !== 24000 && r.rate > 0, `${r.rate} Hz`],
    ['the fake microphone moves the input meter', r.inputPeak > 0.1, r.inputPeak],
    ['the socket runs in the socket worker (no socket on the main thread)', r.mainThreadSockets === 0, r.mainThreadSockets],
    ['a text turn is answered with voice (speaking, then listening)', r.spoke && r.replied, r.lines.join(' | ')],
    ['the voice moves the output meter', r.outputPeak > 0.1, r.outputPeak],
    ['interrupt() truncates the reply at the audio played (audio_end_ms > 0)', r.truncates.length === 1 && r.truncates[0] > 0, JSON.stringify(r.truncates)],
    ['back to listening after the interrupt', r.back, r.states],
    ['no rv-error', r.errors.length === 0, JSON.stringify(r.errors)],
    ['no uncaught page error', pageErrors.length === 0, JSON.stringify(pageErrors)],
  ];
  console.log(`Firefox smoke: ${r.ua}\n`);
  console.log('| Check | Result | Seen |\n|---|---|---|');
  for (const [name, ok, seen] of checks) {
    if (!ok) failed++;
    console.log(`| ${name} | ${ok ? 'pass' : 'FAIL'} | ${String(seen).replace(/\|/g, '\\|')} |`);
  }
} finally {
  await browser.close();
  server.kill();
  if (startedSoundServer) run('pulseaudio', ['--kill']);
}
process.exit(failed ? 1 : 0);
