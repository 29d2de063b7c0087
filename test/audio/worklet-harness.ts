// Drives the real processor classes outside an AudioWorklet: a stand-in global scope, ports that
// record what is posted, and a render loop that advances the audio clock. Used by Node tests and
// by the benchmark's accelerated session.
import { pcm16FromFloat } from '../../src/audio/pcm.js';
import { Resampler } from '../../src/audio/resampler.js';
import { RingBuffer } from '../../src/audio/ring-buffer.js';
import {
  defineRealtimeVoiceWorklets,
  type WorkletProcessor,
  type WorkletScope,
} from '../../src/audio/worklet-processors.js';

/** A port that keeps every message the processor posts and lets the test deliver messages to it. */
export class RecordingPort {
  posted: unknown[] = [];
  transfers: Transferable[][] = [];
  onmessage: ((e: { data: unknown }) => void) | null = null;

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.posted.push(message);
    this.transfers.push(transfer);
  }

  /** Delivers a message from the "main thread" to the processor, synchronously. */
  deliver(message: unknown): void {
    this.onmessage?.({ data: message });
  }

  /** Removes and returns what was posted so far. */
  take(): unknown[] {
    const out = this.posted;
    this.posted = [];
    this.transfers = [];
    return out;
  }
}

export interface Harness {
  scope: { sampleRate: number; currentTime: number };
  create(name: string, processorOptions: object): { processor: WorkletProcessor; port: RecordingPort };
  /** Renders one quantum of `frames` samples, then advances the clock. */
  render(processor: WorkletProcessor, input: Float32Array | null, output?: Float32Array): void;
}

/** Registers the processors against a stand-in scope running at `sampleRate`. */
export function workletHarness(sampleRate: number): Harness {
  const registry = new Map<string, new (options: AudioWorkletNodeOptions) => WorkletProcessor>();
  let nextPort = new RecordingPort();
  class Processor {
    readonly port = nextPort as unknown as MessagePort;
  }
  const scope = {
    AudioWorkletProcessor: Processor,
    registerProcessor: (name: string, ctor: new (options: AudioWorkletNodeOptions) => WorkletProcessor) => {
      if (registry.has(name)) throw new Error(`${name} is already registered`);
      registry.set(name, ctor);
    },
    sampleRate,
    currentTime: 0,
  };
  defineRealtimeVoiceWorklets(scope as unknown as WorkletScope, Resampler, RingBuffer, pcm16FromFloat);
  return {
    scope,
    create(name, processorOptions) {
      const Ctor = registry.get(name);
      if (!Ctor) throw new Error(`no processor ${name}`);
      const port = (nextPort = new RecordingPort());
      return { processor: new Ctor({ processorOptions }), port };
    },
    render(processor, input, output = new Float32Array(128)) {
      processor.process([input ? [input] : []], [[output]], {});
      scope.currentTime += output.length / sampleRate;
    },
  };
}
