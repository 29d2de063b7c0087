/** A listener that receives the detail of one event type. */
export type Listener<D> = (detail: D) => void;

/**
 * A small typed event emitter. A throwing listener is reported on the console and never stops the
 * other listeners nor the caller: events are emitted from socket handlers, which must not throw.
 */
export class Emitter<M extends object> {
  #listeners = new Map<keyof M, Set<Listener<never>>>();

  /** Adds a listener and returns a function that removes it. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof M>(type: K, listener: Listener<M[K]>): void {
    this.#listeners.get(type)?.delete(listener as Listener<never>);
  }

  /** True when at least one listener waits for `type` (lets callers skip building costly details). */
  has<K extends keyof M>(type: K): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0;
  }

  emit<K extends keyof M>(type: K, detail: M[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M[K]>)(detail);
      } catch (error) {
        console.error(`realtime-voice: a "${String(type)}" listener threw`, error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
