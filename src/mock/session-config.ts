// The effective session config the mock reports in session.created / session.updated, and how a
// validated session.update (or a client secret's session) is applied to it.
import type { WireFormat } from './voice.js';

export type SessionKind = 'realtime' | 'transcription';

export interface ServerVadConfig {
  type: 'server_vad';
  threshold: number;
  prefix_padding_ms: number;
  silence_duration_ms: number;
  idle_timeout_ms: number | null;
  create_response: boolean;
  interrupt_response: boolean;
}

export interface SemanticVadConfig {
  type: 'semantic_vad';
  eagerness: 'low' | 'medium' | 'high' | 'auto';
  create_response: boolean;
  interrupt_response: boolean;
}

export type TurnDetectionConfig = ServerVadConfig | SemanticVadConfig;

export interface FormatConfig {
  type: WireFormat;
  rate?: number;
}

export interface InputConfig {
  format: FormatConfig;
  transcription: Record<string, unknown> | null;
  noise_reduction: { type: string } | null;
  turn_detection: TurnDetectionConfig | null;
}

/** The full effective session, as the mock sends it. Fields the client set beyond these are kept as given. */
export interface EffectiveSession {
  type: SessionKind;
  object: 'realtime.session' | 'realtime.transcription_session';
  id: string;
  expires_at: number;
  model?: string;
  output_modalities?: ['audio'] | ['text'];
  instructions?: string;
  tools?: Array<Record<string, unknown>>;
  tool_choice?: unknown;
  max_output_tokens?: number | 'inf';
  audio: {
    input: InputConfig;
    output?: { format: FormatConfig; voice: string | { id: string }; speed: number };
  };
  [key: string]: unknown;
}

/** Server VAD defaults as live `session.created` reports them: threshold 0.5, 300 ms padding, 200 ms silence (protocol.md, 2026-12-01 update). */
export function defaultServerVad(): ServerVadConfig {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 200,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
  };
}

export const DEFAULT_MODEL = 'gpt-realtime';
/** Models a realtime session opens with (protocol.md §0); another `?model=` is refused with `invalid_model` and close 4000. */
export const REALTIME_MODELS: ReadonlySet<string> = new Set([
  'gpt-realtime',
  'gpt-realtime-2025-08-28',
  'gpt-realtime-mini',
  'gpt-realtime-mini-2025-10-06',
  'gpt-realtime-mini-2025-12-15',
  'gpt-realtime-1.5',
  'gpt-realtime-2',
  'gpt-realtime-2.1',
  'gpt-realtime-2.1-mini',
]);
export const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';
const PCM: FormatConfig = { type: 'audio/pcm', rate: 24000 };

export function defaultSession(kind: SessionKind, id: string, expiresAt: number, model: string): EffectiveSession {
  if (kind === 'transcription') {
    return {
      type: 'transcription',
      object: 'realtime.transcription_session',
      id,
      expires_at: expiresAt,
      // Live: no transcription until the client sets one, and VAD with four fields only.
      audio: {
        input: {
          format: { ...PCM },
          transcription: null,
          noise_reduction: null,
          turn_detection: transcriptionVad(defaultServerVad()),
        },
      },
      include: null,
    };
  }
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: 'You are the mock realtime model: you answer every turn with a deterministic stand-in reply.',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: expiresAt,
    audio: {
      input: { format: { ...PCM }, transcription: null, noise_reduction: null, turn_detection: defaultServerVad() },
      output: { format: { ...PCM }, voice: 'alloy', speed: 1 },
    },
    include: null,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function fillTurnDetection(td: Record<string, unknown>): TurnDetectionConfig {
  if (td.type === 'semantic_vad') {
    return { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true, ...td } as SemanticVadConfig;
  }
  return { ...defaultServerVad(), ...td } as ServerVadConfig;
}

/** A transcription session's VAD as live echoes it: type, threshold, prefix_padding_ms, silence_duration_ms. */
function transcriptionVad(td: TurnDetectionConfig): TurnDetectionConfig {
  if (td.type !== 'server_vad') return td;
  const { type, threshold, prefix_padding_ms, silence_duration_ms } = td;
  return { type, threshold, prefix_padding_ms, silence_duration_ms } as ServerVadConfig;
}

function fillFormat(f: Record<string, unknown>): FormatConfig {
  return f.type === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: f.type as WireFormat };
}

/**
 * Applies a validated GA session (from session.update or a client secret) to `current`: only the
 * fields present change; nested audio settings merge; turn_detection, transcription and formats
 * given as objects are completed with their defaults; `null` turns a feature off.
 */
export function applySession(current: EffectiveSession, update: Record<string, unknown>): EffectiveSession {
  const next: EffectiveSession = structuredClone(current);
  for (const [key, value] of Object.entries(update)) {
    if (key === 'type' || key === 'audio') continue;
    next[key] = structuredClone(value);
  }
  const audio = update.audio;
  if (isObject(audio)) {
    const input = audio.input;
    if (isObject(input)) {
      const target = next.audio.input;
      if (isObject(input.format)) target.format = fillFormat(input.format);
      if ('transcription' in input) {
        target.transcription = isObject(input.transcription)
          ? { model: DEFAULT_TRANSCRIPTION_MODEL, language: null, prompt: null, ...structuredClone(input.transcription) }
          : null;
      }
      if ('noise_reduction' in input) target.noise_reduction = isObject(input.noise_reduction) ? { type: String(input.noise_reduction.type) } : null;
      if ('turn_detection' in input) {
        const filled = isObject(input.turn_detection) ? fillTurnDetection(input.turn_detection) : null;
        target.turn_detection = filled && next.type === 'transcription' ? transcriptionVad(filled) : filled;
      }
    }
    const output = audio.output;
    if (isObject(output) && next.audio.output) {
      const target = next.audio.output;
      if (isObject(output.format)) target.format = fillFormat(output.format);
      if ('voice' in output) target.voice = structuredClone(output.voice) as string | { id: string };
      if (typeof output.speed === 'number') target.speed = output.speed;
    }
  }
  return next;
}

/** A voice as a string (custom voices by id). */
export function voiceName(voice: string | { id: string }): string {
  return typeof voice === 'string' ? voice : voice.id;
}
