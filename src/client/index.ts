// `realtime-voice/client`: the realtime conversation client on its own, without the element.
export {
  RealtimeClient,
  RealtimeClientError,
  type ClientErrorDetail,
  type ClientState,
  type CreateWebSocket,
  type RealtimeClientEventMap,
  type RealtimeClientOptions,
  type WebSocketLike,
} from './client.js';
export {
  Conversation,
  type ContentState,
  type ConversationChange,
  type ConversationItem,
  type ConversationOptions,
  type ItemRole,
  type ItemStatus,
  type SeedItem,
  type TranscriptState,
  type Truncation,
} from './conversation.js';
export { fetchToken, normalizeToken, TokenCache, TokenError, type FetchTokenOptions, type RealtimeToken, type TokenErrorCode, type TokenResponse } from './token.js';
export { errorOutput, type RealtimeTool, type ToolCall, type ToolContext, type ToolFailure, type ToolHandler } from './tools.js';
export { Backoff, backoffDelay, type BackoffOptions } from './backoff.js';
export { ResponseSequencer } from './responses.js';
export { SendQueue, type AudioDropReason } from './send-queue.js';
export { systemClock, type Clock } from './clock.js';
export type { Transport, TransportHandlers, TransportKind, TransportRefusal } from './transport.js';
export { webSocketTransport } from './websocket-transport.js';
export { webRtcTransport, callsUrl, type CreatePeerConnection, type WebRtcTransportOptions } from './webrtc-transport.js';
