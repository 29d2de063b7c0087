import type { FedAudio } from './socket-worker.js';

// The swappable part of the client: how JSON events reach the Realtime API and back. The client
// (sequencing, tools, reconnects, conversation) is the same over both implementations.

/** How the client talks to the Realtime API: `websocket` (events and PCM audio over one socket) or `webrtc` (events over a data channel, audio as media). */
export type TransportKind = 'websocket' | 'webrtc';

/** Why the server refused a connection, when it said so (WebRTC's SDP exchange answers HTTP errors with a JSON body). */
export interface TransportRefusal {
  status: number;
  message: string;
  type?: string;
  code?: string | null;
  param?: string | null;
}

/** What a transport reports; nothing is reported after `close()` was called. */
export interface TransportHandlers {
  /** The event channel is open: server events may flow. */
  open(): void;
  /** One frame from the server (text for JSON events); `fed`: the socket worker already queued its audio for playback, or dropped it. */
  message(data: unknown, fed?: FedAudio): void;
  /** The connection ended (code as a WebSocket close code; 1006 for a lost connection), with the server's refusal when it gave one. */
  close(code: number, reason: string, refusal?: TransportRefusal): void;
  /** WebRTC: the assistant's voice arrived as a media stream. */
  remoteStream?(stream: MediaStream): void;
}

/** One connection attempt. The client makes a new one for every attempt. */
export interface Transport {
  /** Bytes accepted by `send` and not yet on the network. */
  readonly bufferedAmount: number;
  /** Sends one JSON event; throws when the channel is not open. */
  send(data: string): void;
  /** Ends the connection and releases everything; no handler is called afterwards. */
  close(): void;
  /** WebRTC: the microphone track to send, or null for none (no renegotiation). Ignored by WebSocket. */
  setInputTrack?(track: MediaStreamTrack | null): void;
}
