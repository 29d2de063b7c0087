// Entry of dist/realtime-voice.engine.js: the engine, with events.ts replaced by engine-events.ts (vite.config.ts).
export { SessionController } from './engine.js';
export { useEvents } from './engine-events.js';
