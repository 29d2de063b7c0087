// Where the shell gets its engine. This default (the npm build, the tests) is a dynamic import that the
// app's bundler splits off; the dist shells swap this module (vite.config.ts).
import type * as Engine from './engine.js';
import type * as Events from './events.js';

export type EngineModule = typeof Engine & { useEvents?(events: typeof Events): void };

export interface EngineSource {
  /** What the load fetches, for the error that names it. */
  url: string;
  load(): Promise<EngineModule>;
}

export const engineSource: EngineSource = {
  url: new URL('./engine.js', import.meta.url).href,
  load: () => import('./engine.js'),
};
