// Shared helpers of the element tests: parts, event waits and a recorder of the rv- events.
import { waitUntil } from '@open-wc/testing';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import type { RealtimeVoiceState, RvWireDetail } from '../../src/events.js';
import { mock } from '../client/mock-control.js';

export const part = <T extends HTMLElement = HTMLElement>(el: RealtimeVoice, name: string): T | null =>
  el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);

export const parts = (el: RealtimeVoice, name: string): HTMLElement[] => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`),
];

/** Resolves with the detail of the first `type` event whose detail satisfies `test` (events fired before the call are missed). */
export function nextEvent<K extends keyof HTMLElementEventMap>(
  target: EventTarget,
  type: K,
  test: (event: HTMLElementEventMap[K]) => boolean = () => true,
  timeout = 15000,
): Promise<HTMLElementEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`no matching ${type} event within ${timeout} ms`));
    }, timeout);
    const listener = (event: Event) => {
      if (!test(event as HTMLElementEventMap[K])) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(event as HTMLElementEventMap[K]);
    };
    target.addEventListener(type, listener);
  });
}

/** Waits until the element is in `state` (at once if it already is). */
export async function reach(el: RealtimeVoice, state: RealtimeVoiceState, timeout = 15000): Promise<void> {
  if (el.state === state) return;
  await nextEvent(el, 'rv-state', (e) => e.detail.state === state, timeout);
}

/** Records every rv- event the element fires, in order. */
export function record(el: RealtimeVoice) {
  const names = ['rv-state', 'rv-transcript', 'rv-tool-call', 'rv-error', 'rv-server-event', 'rv-client-event', 'rv-metrics'] as const;
  const events: Event[] = [];
  const listener = (e: Event) => events.push(e);
  for (const name of names) el.addEventListener(name, listener);
  return {
    events,
    of<K extends (typeof names)[number]>(name: K): HTMLElementEventMap[K][] {
      return events.filter((e) => e.type === name) as HTMLElementEventMap[K][];
    },
    states(): string[] {
      return this.of('rv-state').map((e) => e.detail.state);
    },
    /** Client events of one type that went on the wire, typed as the caller expects them. */
    sent<T = RvWireDetail>(type: string): T[] {
      return this.of('rv-client-event').filter((e) => e.detail.type === type).map((e) => e.detail as unknown as T);
    },
    received<T = RvWireDetail>(type: string): T[] {
      return this.of('rv-server-event').filter((e) => e.detail.type === type).map((e) => e.detail as unknown as T);
    },
    stop() {
      for (const name of names) el.removeEventListener(name, listener);
    },
  };
}

/** Waits for an assistant transcript line that is complete. */
export async function assistantReply(el: RealtimeVoice, timeout = 20000): Promise<string> {
  await waitUntil(() => el.transcript.some((e) => e.role === 'assistant' && e.final && e.text), 'no complete assistant reply', { timeout });
  return el.transcript.filter((e) => e.role === 'assistant' && e.final).at(-1)!.text;
}

/**
 * Microphone appends the mock's last connection received, as sizes and peaks: with voice activity
 * detection the socket worker sends them, off the main thread, so no rv-client-event reports them.
 */
export async function mockAppends(): Promise<{ audio_bytes: number; audio_peak: number }[]> {
  const received = await mock.received();
  return received.filter((e) => e.type === 'input_audio_buffer.append') as unknown as { audio_bytes: number; audio_peak: number }[];
}
