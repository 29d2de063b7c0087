export { RealtimeVoice } from './realtime-voice.js';
export * from './events.js';
export { defaultStrings, type RealtimeVoiceStrings } from './strings.js';
export type { RealtimeVoiceTool, SessionPatch, TurnDetectionMode } from './controllers/session-controller.js';
export type { Platform } from './controllers/platform.js';
