// The dist engine's stand-in for events.ts: the shell hands over its own event classes, so an event the
// engine fires is `instanceof` the class the page imported from the shell (and is not shipped twice).
import type * as Events from './events.js';

export let RvStateEvent: typeof Events.RvStateEvent;
export let RvTranscriptEvent: typeof Events.RvTranscriptEvent;
export let RvToolCallEvent: typeof Events.RvToolCallEvent;
export let RvErrorEvent: typeof Events.RvErrorEvent;
export let RvServerEventEvent: typeof Events.RvServerEventEvent;
export let RvClientEventEvent: typeof Events.RvClientEventEvent;
export let RvMetricsEvent: typeof Events.RvMetricsEvent;

/** Called by the shell once, before the engine makes its first controller. */
export function useEvents(events: typeof Events): void {
  ({ RvStateEvent, RvTranscriptEvent, RvToolCallEvent, RvErrorEvent, RvServerEventEvent, RvClientEventEvent, RvMetricsEvent } = events);
}
