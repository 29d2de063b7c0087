export { RealtimeVoice } from './realtime-voice.js';
