// Serves the self-hosted worklet module at /__worklets__/realtime-voice.worklet.js: the same text the
// build writes to dist/realtime-voice.worklet.js, for the strict-CSP tests (`worklet-url`).
// The wtr config is loaded under tsx, so the TypeScript source can be imported directly.
import { workletModuleSource } from '../../src/audio/worklet-sources.ts';

export const WORKLET_ROUTE = '/__worklets__/realtime-voice.worklet.js';

export function workletRoutePlugin() {
  return {
    name: 'realtime-voice-worklet-route',
    serve(context) {
      if (context.path === WORKLET_ROUTE) return { body: workletModuleSource(), type: 'js' };
      return undefined;
    },
  };
}
