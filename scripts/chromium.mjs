// The one place that says how our tests and the bench launch Chromium: headless-safe flags for this
// closed network, and the fake microphone playing the committed speech WAV.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The speech WAV the fake microphone plays (override with FAKE_MIC_WAV). */
export const FAKE_MIC_WAV = path.resolve(root, process.env.FAKE_MIC_WAV || 'test/fixtures/speech-48k.wav');

/** Chromium's path: CHROME_PATH (set by `npm test` once it has found or installed one) or Debian's. */
export const CHROMIUM_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Flags for every launch; without the networking ones Chromium keeps dialling hosts this machine cannot reach. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--enable-precise-memory-info',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${FAKE_MIC_WAV}`,
];
