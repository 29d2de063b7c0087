// The classic-script shell's engine (dist/realtime-voice.iife.js): dist/realtime-voice.engine.js beside the
// script, which only names itself while it runs, so the URL is taken at load.
import type { EngineModule, EngineSource } from './engine-source.js';

const script = (document.currentScript as HTMLScriptElement | null)?.src;
let url = 'realtime-voice.engine.js';
try {
  url = new URL(url, script || document.baseURI).href;
} catch {
  // An inline script on about:blank: nothing to resolve against; the load fails with this name, and engine-url fixes it.
}

export const engineSource: EngineSource = {
  url,
  load: (retry) => import(/* @vite-ignore */ retry ?? url) as Promise<EngineModule>,
};
