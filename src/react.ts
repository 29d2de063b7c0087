// React 19 JSX typings for <realtime-voice>. Types only: `import type {} from 'realtime-voice/react'`
// once in a React project. React 19 passes a prop as a property when the element has one (so
// `tools`, `strings` and `platform` arrive as objects), else as an attribute, and turns
// `onrv-state={fn}` into addEventListener('rv-state', fn).
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { RealtimeVoice } from './realtime-voice.js';
import type {
  RvClientEventEvent,
  RvErrorEvent,
  RvMetricsEvent,
  RvServerEventEvent,
  RvStateEvent,
  RvToolCallEvent,
  RvTranscriptEvent,
} from './events.js';

type OnOff = boolean | 'true' | 'false';

/** Props of `<realtime-voice>` in JSX: its attributes, its object properties and `onrv-*` listeners. */
export interface RealtimeVoiceJSXProps
  extends DetailedHTMLProps<HTMLAttributes<RealtimeVoice>, RealtimeVoice>,
    Partial<Pick<RealtimeVoice, 'tools' | 'strings' | 'platform' | 'dangerouslyAllowStandardKey'>> {
  'token-url'?: string;
  url?: string;
  transport?: RealtimeVoice['transport'];
  model?: string;
  voice?: string;
  instructions?: string;
  'turn-detection'?: RealtimeVoice['turnDetection'];
  mode?: RealtimeVoice['mode'];
  output?: RealtimeVoice['output'];
  language?: string;
  'transcription-model'?: string;
  'input-device'?: string;
  'output-device'?: string;
  'echo-cancellation'?: OnOff;
  'noise-suppression'?: OnOff;
  'auto-gain'?: OnOff;
  'worklet-url'?: string;
  'worker-url'?: string;
  'engine-url'?: string;
  layout?: RealtimeVoice['layout'];
  theme?: RealtimeVoice['theme'];
  'text-input'?: boolean;
  'max-messages'?: number;
  muted?: boolean;
  'onrv-state'?: (event: RvStateEvent) => void;
  'onrv-transcript'?: (event: RvTranscriptEvent) => void;
  'onrv-tool-call'?: (event: RvToolCallEvent) => void;
  'onrv-error'?: (event: RvErrorEvent) => void;
  'onrv-server-event'?: (event: RvServerEventEvent) => void;
  'onrv-client-event'?: (event: RvClientEventEvent) => void;
  'onrv-metrics'?: (event: RvMetricsEvent) => void;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'realtime-voice': RealtimeVoiceJSXProps;
    }
  }
}
