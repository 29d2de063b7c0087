import { isOutOfBand } from '../protocol/index.js';

/** The part of a response object the sequencer looks at. */
export interface ResponseRef {
  id?: string;
  /** null for an out-of-band response (`conversation: "none"`); a conv_ id or absent otherwise. */
  conversation_id?: string | null;
  conversation?: string;
}

/** The error code GA answers when a second response.create meets an active default-conversation response. */
export const ACTIVE_RESPONSE_ERROR = 'conversation_already_has_active_response';

/** Recent requests remembered for matching an error back to them (errors may come late). */
const REMEMBERED = 8;

interface Sent<P> {
  eventId: string;
  params: P | undefined;
}

/**
 * Keeps at most one default-conversation response alive. A request made while one is active (or
 * while ours is on its way) waits for `response.done`; a request that still collides with a
 * response the server created on its own (VAD, auto-response after a tool) comes back as
 * `conversation_already_has_active_response` and is retried after that response ends, so the
 * caller never sees the error. Out-of-band requests (`conversation: "none"`) go out at once.
 */
export class ResponseSequencer<P extends { conversation?: unknown } = { conversation?: unknown }> {
  #queue: (P | undefined)[] = [];
  #active: string | null = null; // id of the active default-conversation response
  #awaiting = 0; // our requests sent and not yet answered by response.created or an error
  #sent: Sent<P>[] = [];

  /** `send` puts one response.create on the wire and returns its event_id. */
  constructor(private readonly send: (params: P | undefined) => string) {}

  /** True while a default-conversation response is active or one of ours is on its way. */
  get busy(): boolean {
    return this.#active !== null || this.#awaiting > 0;
  }

  /** Id of the active default-conversation response, if any. */
  get activeResponseId(): string | null {
    return this.#active;
  }

  /** Requests waiting for the active response to end. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Asks for a response: now if the conversation is free, else after the active one is done. */
  request(params?: P): void {
    if (params?.conversation === 'none') {
      this.send(params);
      return;
    }
    // Two plain requests in a row mean "answer what is there": one response does it.
    if (params === undefined && this.#queue.length > 0 && this.#queue[this.#queue.length - 1] === undefined) return;
    this.#queue.push(params);
    this.#pump();
  }

  /** Feed `response.created`. */
  created(response: ResponseRef): void {
    if (isOutOfBand(response)) return;
    if (this.#awaiting > 0) this.#awaiting--;
    this.#active = response.id ?? '';
  }

  /** Feed `response.done`. */
  done(response: ResponseRef): void {
    if (isOutOfBand(response)) return;
    if (this.#active === null && this.#awaiting > 0) this.#awaiting--; // its created was missed
    this.#active = null;
    this.#pump();
  }

  /**
   * Feed a server `error`. Returns true when it was the collision of one of our requests with an
   * active response: the request is queued again and the error needs no reporting.
   */
  error(code: string | null | undefined, eventId: string | null | undefined): boolean {
    if (code !== ACTIVE_RESPONSE_ERROR) return false;
    // event_id is sometimes null (protocol.md §10.10): then it can only be our latest request, while unanswered.
    const index = eventId ? this.#sent.findIndex((s) => s.eventId === eventId) : this.#awaiting > 0 ? this.#sent.length - 1 : -1;
    if (index < 0) return false;
    const [sent] = this.#sent.splice(index, 1);
    if (this.#awaiting > 0) this.#awaiting--;
    if (this.#active === null) this.#active = ''; // the server says one is active even if we missed it
    this.#queue.unshift(sent!.params);
    return true;
  }

  /**
   * Drops waiting requests and says what to cancel: `{ responseId }` for the active response,
   * `{}` when only our request is on its way (cancel the default one), or null when nothing runs.
   */
  cancel(): { responseId?: string } | null {
    this.#queue = [];
    if (this.#active) return { responseId: this.#active };
    if (this.#active !== null || this.#awaiting > 0) return {};
    return null;
  }

  /** A new session starts with nothing active; waiting requests are kept and go out when possible. */
  reset(): void {
    this.#active = null;
    this.#awaiting = 0;
    this.#sent = [];
    this.#pump();
  }

  /** Forgets everything (the client is closing). */
  clear(): void {
    this.#queue = [];
    this.#active = null;
    this.#awaiting = 0;
    this.#sent = [];
  }

  #pump(): void {
    if (this.busy || this.#queue.length === 0) return;
    const params = this.#queue.shift();
    this.#awaiting++;
    const eventId = this.send(params);
    this.#sent.push({ eventId, params });
    if (this.#sent.length > REMEMBERED) this.#sent.shift();
  }
}
