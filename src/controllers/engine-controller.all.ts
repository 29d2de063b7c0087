// The single file (dist/realtime-voice.all.iife.js) has the engine inside: the element drives the
// session controller directly, with nothing to load (vite.config.ts swaps this in for engine-controller.ts).
export { SessionController as EngineController } from './session-controller.js';

export const loadEngine = (): Promise<void> => Promise.resolve();
