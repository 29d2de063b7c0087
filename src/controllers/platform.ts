import type { CreatePeerConnection, CreateWebSocket } from '../client/client.js';

/**
 * The outside world, for tests and unusual hosts (a proxy socket, a custom microphone pipeline).
 * Each part left out is the browser's own.
 */
export interface Platform {
  fetch: typeof fetch;
  createWebSocket: CreateWebSocket;
  /** For `transport="webrtc"`. */
  createPeerConnection: CreatePeerConnection;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** Called with the options the engine wants (the playback asks for 24 kHz); the engine closes what it gets. */
  createAudioContext(options: AudioContextOptions): AudioContext;
}

/** The microphone's context (also WebRTC's voice meter): the device's own rate. */
export const CAPTURE_CONTEXT: AudioContextOptions = { latencyHint: 'interactive' };
/** The voice's context over WebSocket: the wire's 24 kHz, so deltas play without resampling. */
export const VOICE_CONTEXT: AudioContextOptions = { sampleRate: 24000, latencyHint: 'interactive' };

/** Contexts the shell made inside a press that came before the engine (WebKit starts audio only there), each taken once. */
export type GestureContexts = { options: AudioContextOptions; context: AudioContext }[];

/** The context for `options`: one made in the press (ownership passes to the engine), else the page's factory, else the engine's default. */
export function contextFactory(
  platform: Partial<Platform>,
  made: GestureContexts | undefined,
  options: AudioContextOptions,
): (() => AudioContext) | undefined {
  const i = made?.findIndex((m) => m.options.sampleRate === options.sampleRate) ?? -1;
  if (i >= 0) {
    const { context } = made!.splice(i, 1)[0]!;
    return () => context;
  }
  const create = platform.createAudioContext;
  return create && (() => create(options));
}
