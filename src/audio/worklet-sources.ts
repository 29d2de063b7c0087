import { pcm16FromFloat } from './pcm.js';
import { Resampler } from './resampler.js';
import { RingBuffer } from './ring-buffer.js';
import { defineRealtimeVoiceWorklets } from './worklet-processors.js';

/**
 * The JavaScript text of the worklet module that registers both processors
 * (`realtime-voice-capture`, `realtime-voice-playback`). The loader turns it into a Blob URL; the
 * build writes the same text to `dist/realtime-voice.worklet.js` for pages whose Content-Security-
 * Policy forbids `blob:` (they set `worklet-url`). Built from the functions' own source, so what
 * runs in the worklet is the code type-checked and tested here.
 */
export function workletModuleSource(): string {
  // esbuild's keepNames (tsx, some dev servers) wraps classes in __name(): give it a no-op.
  return `const __name=(f)=>f;(${defineRealtimeVoiceWorklets})(globalThis,${Resampler},${RingBuffer},${pcm16FromFloat});\n`;
}
