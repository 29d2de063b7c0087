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
