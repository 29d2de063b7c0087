// Ephemeral client secrets (`ek_...`) as /v1/realtime/client_secrets issues them: a TTL that only
// limits the creation of sessions, and a session config applied to every session the key opens.
import { randomBytes } from 'node:crypto';
import type { MockClock } from './clock.js';

export interface EphemeralKey {
  value: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The session bound to the key (validated GA session config), applied to each session it opens. */
  session: Record<string, unknown> | undefined;
}

export type KeyCheck =
  | { ok: true; kind: 'standard' }
  | { ok: true; kind: 'ephemeral'; key: EphemeralKey }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

/** Issues and checks keys. Expired keys are kept until the next sweep so they can be told apart from unknown ones. */
export class KeyStore {
  private readonly keys = new Map<string, EphemeralKey>();

  constructor(
    private readonly clock: MockClock,
    /** The standard key accepted by client_secrets and the WebSocket; undefined = any `sk-` key. */
    private readonly apiKey: string | undefined,
  ) {}

  isStandardKey(key: string): boolean {
    return this.apiKey === undefined ? /^sk-[\w-]+$/.test(key) : key === this.apiKey;
  }

  issue(ttlSeconds: number, session: Record<string, unknown> | undefined): EphemeralKey {
    this.sweep();
    const key: EphemeralKey = {
      value: `ek_${randomBytes(18).toString('hex')}`,
      expiresAt: Math.floor(this.clock.now() / 1000) + ttlSeconds,
      session,
    };
    this.keys.set(key.value, key);
    return key;
  }

  check(key: string | undefined): KeyCheck {
    if (!key) return { ok: false, reason: 'missing' };
    if (this.isStandardKey(key)) return { ok: true, kind: 'standard' };
    const found = this.keys.get(key);
    if (!found) return { ok: false, reason: 'unknown' };
    if (this.clock.now() / 1000 >= found.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, kind: 'ephemeral', key: found };
  }

  /** Forgets keys that expired more than an hour ago (bounded memory on a long-running mock). */
  private sweep(): void {
    const cutoff = this.clock.now() / 1000 - 3600;
    for (const [value, key] of this.keys) if (key.expiresAt < cutoff) this.keys.delete(value);
  }
}

/** "sk-abc***xyz": how OpenAI echoes a wrong key in its error message. */
export function redactKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}***`;
  return `${key.slice(0, 6)}${'*'.repeat(Math.min(20, key.length - 10))}${key.slice(-4)}`;
}
