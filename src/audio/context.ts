import { AudioEngineError } from './errors.js';

/** An AudioContext to use (the caller keeps ownership) or a factory (the engine closes what it makes). */
export type AudioContextOption = AudioContext | (() => AudioContext);

/** Creates or adopts a context. Call inside the user gesture: Safari and iOS start contexts suspended. */
export function openContext(
  option: AudioContextOption | undefined,
  create: () => AudioContext,
): { context: AudioContext; owned: boolean } {
  try {
    if (option && typeof option !== 'function') return { context: option, owned: false };
    return { context: (option ?? create)(), owned: true };
  } catch (error) {
    throw new AudioEngineError('audio_context_failed', `Could not create an AudioContext: ${(error as Error)?.message ?? error}`, error);
  }
}

const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * Keeps an owned context running. When the browser suspends it, or Safari marks it `interrupted`
 * (a phone call, a tab switch on iOS), it calls resume(); when that needs a user gesture, it tries
 * again on the next pointerdown/keydown/touchend. Reports each state and an unexpected close.
 * Returns a function that stops watching.
 */
export function keepRunning(
  context: AudioContext,
  onState: (state: string) => void,
  onClosed: () => void,
): () => void {
  const kick = () => void context.resume().catch(() => undefined);
  const arm = (on: boolean) => {
    for (const type of GESTURES) {
      if (on) globalThis.addEventListener?.(type, kick, { capture: true, passive: true });
      else globalThis.removeEventListener?.(type, kick, { capture: true });
    }
  };
  const changed = () => {
    const state = context.state as string;
    onState(state);
    if (state === 'suspended' || state === 'interrupted') {
      kick();
      arm(true);
    } else arm(false);
    if (state === 'closed') onClosed();
  };
  context.addEventListener('statechange', changed);
  // A context made outside a gesture starts suspended, and no statechange says so.
  if (context.state === 'suspended') changed();
  return () => {
    context.removeEventListener('statechange', changed);
    arm(false);
  };
}

/** The options every engine shares. */
export interface EngineContextOptions {
  audioContext?: AudioContextOption;
  onContextState?: (state: string) => void;
  onError?: (error: AudioEngineError) => void;
}

/**
 * The lifecycle shared by the capture and playback engines: one context, created and resumed
 * synchronously inside the user gesture, kept running while owned, closed by `release()`.
 */
export abstract class ContextEngine {
  protected ctx: AudioContext | null = null;
  /** Bumped by every start and release: async steps of an older run give up. */
  protected run = 0;
  #owned = false;
  #starting: Promise<void> | null = null;
  #unwatch: (() => void) | null = null;

  constructor(
    private readonly engine: EngineContextOptions,
    private readonly label: string,
  ) {}

  /** The engine's context while started. */
  get context(): AudioContext | null {
    return this.ctx;
  }

  /** Makes the default context (used when no `audioContext` option is given). */
  protected abstract createContext(): AudioContext;
  /** The async part of starting: load the worklet, build the graph. */
  protected abstract open(ctx: AudioContext, run: number): Promise<void>;
  /** Drops the nodes and streams (synchronously) before the context closes. */
  protected abstract teardown(): void;

  /**
   * Starts the engine. Call it from a user gesture: the context is created and resumed before the
   * first await (Safari, iOS). Rejects with an `AudioEngineError` and then holds nothing.
   */
  start(): Promise<void> {
    if (this.ctx) return this.#starting ?? Promise.resolve();
    const run = ++this.run;
    let opened;
    try {
      opened = openContext(this.engine.audioContext, () => this.createContext());
    } catch (error) {
      return Promise.reject(error);
    }
    const ctx = (this.ctx = opened.context);
    this.#owned = opened.owned;
    const resumed = ctx.resume().catch(() => undefined);
    if (opened.owned)
      this.#unwatch = keepRunning(
        ctx,
        (state) => this.engine.onContextState?.(state),
        () => this.engine.onError?.(new AudioEngineError('audio_context_failed', `The browser closed the ${this.label} AudioContext.`)),
      );
    const starting = (async () => {
      try {
        await this.open(ctx, run);
        await resumed;
      } catch (error) {
        // Released meanwhile: the failure is moot.
        if (run !== this.run) return;
        await this.release();
        throw error;
      } finally {
        if (run === this.run) this.#starting = null;
      }
    })();
    return (this.#starting = starting);
  }

  /** Resolves when a start in progress has finished (at once when none is). */
  protected get starting(): Promise<void> | null {
    return this.#starting;
  }

  /** Stops everything and closes the context if the engine created it. Safe to call at any time. */
  protected async release(): Promise<void> {
    this.run++;
    this.#starting = null;
    this.#unwatch?.();
    this.#unwatch = null;
    this.teardown();
    const ctx = this.ctx;
    this.ctx = null;
    if (ctx && this.#owned && ctx.state !== 'closed') await ctx.close().catch(() => undefined);
  }
}
