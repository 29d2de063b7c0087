// Where the shell gets its engine. This default (the npm build, the tests) is a dynamic import that the
// app's bundler splits off; the dist shells swap this module (vite.config.ts).
import type * as Engine from './engine.js';
import type * as Events from './events.js';

export type EngineModule = typeof Engine & { useEvents?(events: typeof Events): void };

export interface EngineSource {
  /** What the load fetches, for the error that names it. */
  url: string;
  /** Imports the engine; `retry` (a retry's URL, with a query that gets past a cached failure) where the source is a URL. */
  load(retry?: string): Promise<EngineModule>;
}

export const engineSource: EngineSource = {
  // A label, not new URL(..., import.meta.url): bundlers would take that for an asset and emit a stray copy.
  url: "realtime-voice's engine chunk (engine.js, split off by your bundler)",
  load: () => import('./engine.js'),
};
