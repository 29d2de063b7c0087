// Serves the self-hosted worklet module at /__worklets__/realtime-voice.worklet.js and the socket
// worker at /__worklets__/realtime-voice.worker.js: the same texts the build writes to dist/, for the
// strict-CSP tests (`worklet-url`, `worker-url`).
// The wtr config is loaded under tsx, so the TypeScript source can be imported directly.
import { workletModuleSource } from '../../src/audio/worklet-sources.ts';
import { socketWorkerSource } from '../../src/client/socket-worker.ts';

export const WORKLET_ROUTE = '/__worklets__/realtime-voice.worklet.js';
export const WORKER_ROUTE = '/__worklets__/realtime-voice.worker.js';

export function workletRoutePlugin() {
  return {
    name: 'realtime-voice-worklet-route',
    serve(context) {
      if (context.path === WORKLET_ROUTE) return { body: workletModuleSource(), type: 'js' };
      if (context.path === WORKER_ROUTE) return { body: socketWorkerSource(), type: 'js' };
      return undefined;
    },
  };
}
