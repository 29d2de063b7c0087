/** Why the audio engine failed; stable strings for code to branch on. */
export type AudioErrorCode =
  /** The user or the browser refused the microphone (or the page is not a secure context). */
  | 'microphone_denied'
  /** No microphone, or none matches the requested device id. */
  | 'microphone_not_found'
  /** The microphone exists but cannot be opened (used by another application, hardware error). */
  | 'microphone_busy'
  /** The microphone went away during the session and no other one could be opened. */
  | 'microphone_ended'
  /** This browser has no getUserMedia or no AudioWorklet (for instance an insecure http: page). */
  | 'audio_unsupported'
  /** The AudioContext could not be created, resumed, or closed by the browser under us. */
  | 'audio_context_failed'
  /** The page's Content-Security-Policy refused the inline (blob:/data:) worklet module. */
  | 'worklet_blocked'
  /** The worklet module at `worklet-url` could not be loaded. */
  | 'worklet_failed'
  /** setSinkId is not available in this browser. */
  | 'output_device_unsupported'
  /** The output device could not be selected (unknown id, or refused). */
  | 'output_device_failed';

/** A typed error of the audio engine: `code` says what failed, `message` says what to do. */
export class AudioEngineError extends Error {
  readonly code: AudioErrorCode;

  constructor(code: AudioErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AudioEngineError';
    this.code = code;
  }
}

/** Maps a getUserMedia rejection (a DOMException) to a typed error. */
export function microphoneError(error: unknown): AudioEngineError {
  if (error instanceof AudioEngineError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const detail = (error as { message?: string } | null)?.message || String(error);
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new AudioEngineError('microphone_denied', `Microphone access was refused: ${detail}`, error);
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return new AudioEngineError('microphone_not_found', `No matching microphone was found: ${detail}`, error);
  if (name === 'TypeError')
    return new AudioEngineError('audio_unsupported', `The microphone is not available on this page: ${detail}`, error);
  return new AudioEngineError('microphone_busy', `The microphone could not be opened: ${detail}`, error);
}
