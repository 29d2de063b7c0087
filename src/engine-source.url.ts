// The module shell's engine (dist/realtime-voice.js): dist/realtime-voice.engine.js beside it.
import type { EngineModule, EngineSource } from './engine-source.js';

const url = new URL(/* @vite-ignore */ 'realtime-voice.engine.js', import.meta.url).href;

export const engineSource: EngineSource = {
  url,
  load: (retry) => import(/* @vite-ignore */ retry ?? url) as Promise<EngineModule>,
};
