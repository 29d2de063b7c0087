// Compile-time check of the React 19 JSX typings (run by `tsc -p tsconfig.json`, not by a test runner).
import type { JSX } from 'react';
import type {} from '../../src/react.js';

type Props = JSX.IntrinsicElements['realtime-voice'];

export const ok: Props = {
  'token-url': '/api/realtime-token',
  'turn-detection': 'none',
  layout: 'compact',
  'echo-cancellation': 'false',
  'output-device': 'default',
  muted: true,
  className: 'voice',
  tools: [{ type: 'function', name: 'lookup', handler: () => 'ok' }],
  strings: { start: 'Démarrer' },
  'onrv-state': (event) => event.detail.state satisfies 'idle' | 'connecting' | 'listening' | 'thinking' | 'speaking' | 'reconnecting' | 'error',
  'onrv-tool-call': (event) => event.detail.respond({ ok: true }),
  'onrv-transcript': (event) => event.detail.text.toUpperCase(),
};

// @ts-expect-error not a turn-detection mode
export const badMode: Props = { 'turn-detection': 'vad' };
// @ts-expect-error rv-error listeners get an RvErrorEvent, whose detail has no `state`
export const badListener: Props = { 'onrv-error': (event) => event.detail.state };
