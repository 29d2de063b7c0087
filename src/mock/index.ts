// `realtime-voice/mock`: a local server that speaks the OpenAI Realtime GA protocol, for tests,
// demos and offline development. Node only.
export { startMockRealtime } from './server.js';
export type { MockRealtimeOptions, MockRealtimeServer, MockFaults, MockRuntimeSettings, HttpFault } from './server.js';
export { MockConnection } from './connection.js';
export type { FaultRule, ReceivedEvent, SentEvent, CloseInfo, ConnectionInfo } from './connection.js';
export { ManualClock, systemClock } from './clock.js';
export type { MockClock } from './clock.js';
export type { PacingOptions } from './pacing.js';
export { DEFAULT_PACING } from './pacing.js';
export type { GaErrorDetail } from './errors.js';
export { standInTranscript } from './session.js';
export type { MockSession } from './session.js';
export { speechLevel } from './vad.js';
