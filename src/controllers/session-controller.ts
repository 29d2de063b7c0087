import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RealtimeVoiceState, RvErrorDetail, TranscriptEntry } from '../events.js';

export type TurnDetectionMode = 'server_vad' | 'semantic_vad' | 'none';

export interface RealtimeVoiceTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  handler?: (args: unknown) => unknown;
}

export type SessionPatch = Record<string, unknown>;

/** Owns the realtime session: the client, the microphone and the playback, mapped to one state. */
export class SessionController implements ReactiveController {
  state: RealtimeVoiceState = 'idle';
  transcript: TranscriptEntry[] = [];
  error: RvErrorDetail | null = null;
  devices: MediaDeviceInfo[] = [];
  talking = false;
  microphoneOn = false;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.disconnect('host-disconnected');
  }

  async connect(_options: { microphone: boolean }): Promise<void> {}
  async startMicrophone(): Promise<void> {}
  disconnect(_reason: string): void {}
  async sendText(_text: string): Promise<void> {}
  interrupt(): void {}
  updateSession(_patch: SessionPatch): void {}
  startTalking(): void {}
  stopTalking(): void {}
  propertiesChanged(_changed: Map<PropertyKey, unknown>): void {}
}
