// The audio engine: microphone capture and assistant playback through AudioWorklets, plus the pure
// maths they run on. Knows nothing of the wire: it takes and gives PCM16 at 24 kHz.
export { AudioCapture, CAPTURE_FRAME_SAMPLES } from './capture.js';
export type { AudioCaptureOptions, CaptureDeviceChange, DeviceChangeReason } from './capture.js';
export { AudioPlayback, DEFAULT_PREBUFFER_MS, PLAYBACK_SAMPLE_RATE } from './playback.js';
export type { AudioPlaybackOptions, PlaybackStats } from './playback.js';
export type { AudioContextOption } from './context.js';
export { AudioEngineError } from './errors.js';
export type { AudioErrorCode } from './errors.js';
export { loadAudioWorklets, workletBlobUrl } from './worklet-loader.js';
export type { WorkletLoadOptions } from './worklet-loader.js';
export { workletModuleSource } from './worklet-sources.js';
export { audioEndMs, planTruncation } from './truncation.js';
export type { PlaybackReport, TruncationPlan } from './truncation.js';
export { Resampler } from './resampler.js';
export { RingBuffer } from './ring-buffer.js';
export { dbfs, floatToPcm16, meterLevel, pcm16FromFloat, pcm16ToFloat, rms } from './pcm.js';
