// Conversation state, pure: fed parsed server events, it keeps items in the server's order and their
// text, never their audio. Ordering follows previous_item_id, so events arriving late or early
// (transcripts after replies, replies before their user item) still land in the right place.
import {
  assistantText,
  isOutOfBand,
  partKind,
  systemText,
  userText,
  type ClientItem,
  type Item,
  type ServerEvent,
  type ServerSession,
} from '../protocol/index.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';
export type ItemRole = 'user' | 'assistant' | 'system';

/**
 * Where the transcript of a user audio part stands: `pending` (a placeholder: speech was heard,
 * text not yet known), `partial` (deltas arriving), `completed`, `failed`, or `none` (transcription off).
 */
export type TranscriptState = 'none' | 'pending' | 'partial' | 'completed' | 'failed';

/** One content part of a message, text only. */
export interface ContentState {
  /** `input_text`, `input_audio`, `input_image`, `output_text` or `output_audio`. */
  type: string;
  /** The text, or the transcript of the audio. */
  text: string;
  /** Milliseconds of assistant audio received for this part (counted, never kept). */
  audioMs: number;
}

/** Set on an assistant item after `conversation.item.truncate`: the user heard only `audioEndMs`. */
export interface Truncation {
  contentIndex: number;
  audioEndMs: number;
  /**
   * An estimate of the text the user heard: the transcript cut in proportion to the audio played,
   * at a word boundary. GA deletes the server-side transcript on truncation; we keep the full
   * `text` for the record and replay only this part after a reconnect.
   */
  heardText: string;
}

/** One conversation item as the client knows it. */
export interface ConversationItem {
  readonly id: string;
  /** `message`, `function_call`, `function_call_output`, or another server item type. */
  readonly type: string;
  readonly role?: ItemRole;
  readonly status: ItemStatus;
  readonly content: readonly Readonly<ContentState>[];
  /** The text of all parts, joined: what a transcript shows. */
  readonly text: string;
  /** For user messages with audio; `none` otherwise. */
  readonly transcript: TranscriptState;
  readonly transcriptError?: string;
  readonly truncated?: Readonly<Truncation>;
  /** Function calls: the function name, its call id and its (assembled) JSON arguments. */
  readonly name?: string;
  readonly callId?: string;
  readonly arguments?: string;
  /** Function call outputs: what was sent back. */
  readonly output?: string;
  readonly responseId?: string;
  /** Clock time when the client first heard of the item. */
  readonly createdAt: number;
  /** False while the item is known only from speech or transcription events, not yet from the server's item events. */
  readonly confirmed: boolean;
  /** Which connection (0, 1, ...) the item belongs to; items of earlier ones exist on the server only as replayed text. */
  readonly session: number;
}

/** What changed; listeners read the new state from the conversation. */
export type ConversationChange =
  | { kind: 'added'; item: ConversationItem }
  | { kind: 'updated'; item: ConversationItem }
  | { kind: 'removed'; item: ConversationItem; reason: 'deleted' | 'evicted' | 'discarded' }
  | { kind: 'reordered' };

export interface ConversationOptions {
  /** Oldest items beyond this count are evicted (reported as `removed` with reason `evicted`). Default: no cap. */
  maxItems?: number;
  /** Clock for `createdAt` (default Date.now). */
  now?: () => number;
}

/** A text item to replay into a new session, with the local item it stands for. */
export interface SeedItem {
  localId: string;
  item: ClientItem;
}

class ItemRecord implements ConversationItem {
  type: string;
  role?: ItemRole;
  status: ItemStatus = 'in_progress';
  content: ContentState[] = [];
  transcript: TranscriptState = 'none';
  transcriptError?: string;
  truncated?: Truncation;
  name?: string;
  callId?: string;
  arguments?: string;
  output?: string;
  responseId?: string;
  confirmed = false;
  /** Resolved previous item (null: first of its session), undefined until anything is known. */
  prev: string | null | undefined;
  /** Order in which links were stated: the later of two items after the same one comes first. */
  linkSeq = 0;
  /** The server stated its predecessor (not a provisional place at the end). */
  placed = false;

  constructor(
    readonly id: string,
    type: string,
    readonly createdAt: number,
    readonly session: number,
  ) {
    this.type = type;
  }

  get text(): string {
    if (this.content.length === 1) return this.content[0]!.text;
    return this.content.map((p) => p.text).filter((t) => t !== '').join('\n');
  }
}

const HEAD = '\u0000head';

/**
 * The conversation as a list of items in server order, with their text. Feed it every parsed
 * server event with `apply`; read `items`; subscribe with `onChange`. It keeps no audio: only
 * counters of how much was received, for truncation estimates.
 */
export class Conversation {
  #items = new Map<string, ItemRecord>();
  #order: ItemRecord[] = [];
  #orderDirty = false;
  #rootedCount = 0; // the first items of #order hang from the head; the rest wait for unknown predecessors
  #snapshot: readonly ConversationItem[] | undefined;
  #listeners = new Set<(change: ConversationChange) => void>();
  #linkSeq = 0;
  #session = 0;
  /** Where items that name no predecessor in this session go: after the last item of earlier sessions. */
  #anchor: string | null = null;
  /** Ids of replayed history items in the current session: they stand for items already shown. */
  #seeds = new Map<string, string>();
  #transcription = false;
  /** Out-of-band responses (recent ones): their output is not part of the conversation. */
  #outOfBand: string[] = [];
  #outputBytesPerMs = 48; // PCM16 at 24 kHz
  #textChars = 0;
  readonly #maxItems: number;
  readonly #now: () => number;

  constructor(options: ConversationOptions = {}) {
    this.#maxItems = options.maxItems ?? Infinity;
    this.#now = options.now ?? Date.now;
  }

  /** Items in conversation order (a snapshot, rebuilt only after a change). */
  get items(): readonly ConversationItem[] {
    if (!this.#snapshot) this.#snapshot = Object.freeze([...this.#ordered()]);
    return this.#snapshot;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Characters of text held across all items (the state's whole payload: no audio is kept). */
  get textLength(): number {
    return this.#textChars;
  }

  /** The current connection number (incremented by `beginSession`). */
  get session(): number {
    return this.#session;
  }

  /** Whether `responseId` is a recent out-of-band response (`conversation: "none"`): its output is not the conversation's. */
  isOutOfBand(responseId: string): boolean {
    return this.#outOfBand.includes(responseId);
  }

  get(id: string): ConversationItem | undefined {
    return this.#items.get(id);
  }

  /** The id to use on the wire for a local item in the current session, or undefined if it is not there. */
  serverId(localId: string): string | undefined {
    const item = this.#items.get(localId);
    if (!item) return undefined;
    if (item.session === this.#session) return localId;
    for (const [seed, local] of this.#seeds) if (local === localId) return seed;
    return undefined;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: (change: ConversationChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies one parsed server event. Unknown item ids are tolerated: a placeholder is made, or the event is ignored. */
  apply(event: ServerEvent): void {
    if (event.type === 'response.created' && isOutOfBand(event.response)) {
      this.#outOfBand.push(event.response.id);
      if (this.#outOfBand.length > 32) this.#outOfBand.shift();
    }
    const responseId = 'response_id' in event ? event.response_id : event.type === 'response.done' ? event.response.id : undefined;
    if (typeof responseId === 'string' && this.isOutOfBand(responseId)) return;
    switch (event.type) {
      case 'session.created':
      case 'session.updated':
        this.#readSession(event.session);
        break;
      case 'conversation.item.added':
      case 'conversation.item.created':
        this.#upsert(event.item, event.previous_item_id ?? null);
        break;
      case 'conversation.item.done':
        // Live sends `previous_item_id: null` on the first reply's done (test/fixtures/live): `added` placed it already.
        this.#upsert(event.item, this.#items.get(event.item.id ?? '')?.placed ? undefined : (event.previous_item_id ?? null));
        break;
      case 'conversation.item.retrieved':
        this.#upsert(event.item, undefined);
        break;
      case 'response.output_item.added':
      case 'response.output_item.done':
        this.#upsert(event.item, undefined, event.response_id);
        break;
      case 'input_audio_buffer.speech_started': {
        if (this.#isSeed(event.item_id)) break;
        const item = this.#userPlaceholder(event.item_id);
        if (item) this.#emit({ kind: 'updated', item });
        break;
      }
      case 'input_audio_buffer.committed': {
        if (this.#isSeed(event.item_id)) break;
        const item = this.#userPlaceholder(event.item_id);
        if (!item) break;
        this.#link(item, event.previous_item_id ?? null);
        this.#emit({ kind: 'updated', item });
        break;
      }
      case 'input_audio_buffer.cleared':
        for (const item of [...this.#items.values()]) {
          if (!item.confirmed && item.role === 'user' && item.text === '' && item.session === this.#session) {
            this.#remove(item, 'discarded');
          }
        }
        break;
      case 'conversation.item.input_audio_transcription.delta': {
        const item = this.#userAudio(event.item_id);
        if (!item || event.delta === undefined) break;
        const part = this.#part(item, event.content_index ?? 0, 'input_audio');
        this.#setText(part, part.text + event.delta);
        item.transcript = 'partial';
        this.#emit({ kind: 'updated', item });
        break;
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const item = this.#userAudio(event.item_id);
        if (!item) break;
        this.#setText(this.#part(item, event.content_index, 'input_audio'), event.transcript);
        item.transcript = 'completed';
        item.transcriptError = undefined;
        this.#emit({ kind: 'updated', item });
        break;
      }
      case 'conversation.item.input_audio_transcription.failed': {
        const item = this.#userAudio(event.item_id);
        if (!item) break;
        item.transcript = 'failed';
        item.transcriptError = event.error.message ?? event.error.code ?? 'transcription failed';
        this.#emit({ kind: 'updated', item });
        break;
      }
      case 'response.content_part.added':
      case 'response.content_part.done': {
        const item = this.#assistant(event.item_id, event.response_id);
        if (!item) break;
        const part = this.#part(item, event.content_index, normalizePartType(event.part.type)!);
        const text = event.part.text ?? event.part.transcript;
        if (text) this.#setText(part, text);
        this.#emit({ kind: 'updated', item });
        break;
      }
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.done':
      case 'response.output_text.done': {
        const item = this.#assistant(event.item_id, event.response_id);
        if (!item) break;
        const isText = event.type === 'response.output_text.delta' || event.type === 'response.output_text.done';
        const part = this.#part(item, event.content_index, isText ? 'output_text' : 'output_audio');
        // A delta extends the text; a done event carries all of it and wins.
        const text =
          event.type === 'response.output_text.done' ? event.text
          : event.type === 'response.output_audio_transcript.done' ? event.transcript
          : part.text + event.delta;
        this.#setText(part, text);
        this.#emit({ kind: 'updated', item });
        break;
      }
      case 'response.output_audio.delta': {
        const item = this.#assistant(event.item_id, event.response_id);
        if (!item) break;
        const part = this.#part(item, event.content_index, 'output_audio');
        part.audioMs += base64ByteLength(event.delta) / this.#outputBytesPerMs;
        break;
      }
      case 'response.function_call_arguments.delta':
      case 'response.function_call_arguments.done': {
        const item = this.#functionCall(event.item_id, event.call_id, event.response_id);
        if (!item) break;
        const args = event.type === 'response.function_call_arguments.delta' ? (item.arguments ?? '') + event.delta : event.arguments;
        this.#textChars += args.length - (item.arguments?.length ?? 0);
        item.arguments = args;
        if (event.type === 'response.function_call_arguments.done' && event.name) item.name = event.name;
        this.#emit({ kind: 'updated', item });
        break;
      }
      case 'conversation.item.truncated':
        this.truncate(event.item_id, event.content_index, event.audio_end_ms);
        break;
      case 'conversation.item.deleted': {
        if (this.#seeds.delete(event.item_id)) break; // replayed history leaving the server's context, not the user's view
        const item = this.#items.get(event.item_id);
        if (item) this.#remove(item, 'deleted');
        break;
      }
      case 'response.done': {
        const response = event.response;
        for (const out of response.output ?? []) this.#upsert(out, undefined, response.id);
        const final: ItemStatus = response.status === 'completed' || response.status === undefined ? 'completed' : 'incomplete';
        for (const item of this.#items.values()) {
          if (item.responseId === response.id && item.status === 'in_progress') {
            item.status = final;
            this.#emit({ kind: 'updated', item });
          }
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * Marks an assistant item as heard only up to `audioEndMs` (the client does this when it sends
   * the truncate; the server's `conversation.item.truncated` confirms it). Unknown ids are ignored.
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): void {
    const item = this.#items.get(this.#seeds.get(itemId) ?? itemId);
    if (!item) return;
    const part = item.content[contentIndex];
    const text = part?.text ?? '';
    const fraction = part && part.audioMs > 0 ? Math.min(1, Math.max(0, audioEndMs / part.audioMs)) : 0;
    item.truncated = { contentIndex, audioEndMs, heardText: cutAtWord(text, fraction) };
    this.#emit({ kind: 'updated', item });
  }

  /**
   * Starts a new connection: what was still running in the old one is closed off (in-progress items
   * become `incomplete`, pending transcripts `failed`, empty speech placeholders go), and items the
   * new session reports without a predecessor are placed after everything already shown.
   */
  beginSession(): void {
    for (const item of [...this.#items.values()]) {
      if (!item.confirmed && item.role === 'user' && item.text === '') {
        this.#remove(item, 'discarded');
        continue;
      }
      let changed = false;
      if (item.status === 'in_progress') {
        item.status = 'incomplete';
        changed = true;
      }
      if (item.transcript === 'pending' || item.transcript === 'partial') {
        item.transcript = 'failed';
        item.transcriptError = 'The connection was lost before the transcript was complete.';
        changed = true;
      }
      if (changed) this.#emit({ kind: 'updated', item });
    }
    const ordered = this.#ordered();
    this.#anchor = ordered.length ? ordered[ordered.length - 1]!.id : null;
    this.#seeds.clear();
    this.#session++;
  }

  /**
   * The text history to replay into a new session, newest kept when over budget: user and system
   * messages as `input_text`, assistant speech as `output_text` (GA cannot take assistant audio),
   * what a truncated reply is estimated to have said, and function calls with their outputs.
   */
  history(options: { maxItems?: number; maxChars?: number; pendingCalls?: Iterable<string> } = {}): SeedItem[] {
    const maxItems = options.maxItems ?? 100;
    const maxChars = options.maxChars ?? 24_000;
    // Calls whose output is still being computed are replayed too, so that the output can follow.
    const outputs = new Set<string>(options.pendingCalls ?? []);
    for (const item of this.#items.values()) if (item.type === 'function_call_output' && item.callId) outputs.add(item.callId);
    const picked: SeedItem[] = [];
    let chars = 0;
    const ordered = this.#ordered();
    for (let i = ordered.length - 1; i >= 0 && picked.length < maxItems; i--) {
      const item = ordered[i]!;
      const seed = seedFor(item, outputs);
      if (!seed) continue;
      const size = seedSize(seed);
      if (chars + size > maxChars) break;
      chars += size;
      picked.push({ localId: item.id, item: seed });
    }
    picked.reverse();
    // An output without its call would be refused by the server: drop any the budget orphaned.
    const calls = new Set(picked.flatMap((s) => (s.item.type === 'function_call' ? [s.item.call_id] : [])));
    return picked.filter((s) => s.item.type !== 'function_call_output' || calls.has(s.item.call_id));
  }

  /** Registers the id a replayed item got in the current session, so that its echoes change nothing. */
  addSeed(serverId: string, localId: string): void {
    this.#seeds.set(serverId, localId);
  }

  /** Forgets everything (a brand-new conversation). */
  clear(): void {
    for (const item of this.#ordered()) this.#remove(item, 'discarded');
    this.#anchor = null;
    this.#seeds.clear();
  }

  // ---- internals ----------------------------------------------------------------------------

  #isSeed(id: string): boolean {
    return this.#seeds.has(id);
  }

  #readSession(session: ServerSession): void {
    const input = session.audio?.input;
    if (input && 'transcription' in input) this.#transcription = input.transcription != null;
    else if (session.type === 'transcription') this.#transcription = true;
    const format = session.audio?.output?.format?.type;
    if (format) this.#outputBytesPerMs = format === 'audio/pcm' ? ((session.audio?.output?.format?.rate ?? 24_000) * 2) / 1000 : 8;
  }

  #create(id: string, type: string, role?: ItemRole): ItemRecord {
    const item = new ItemRecord(id, type, this.#now(), this.#session);
    item.role = role;
    this.#items.set(id, item);
    this.#orderDirty = true;
    this.#emit({ kind: 'added', item });
    this.#evict();
    return item;
  }

  /** Resolves a server-side predecessor id to a local one. */
  #resolvePrev(prev: string | null | undefined): string | null | undefined {
    if (prev === undefined) return undefined;
    if (prev === null || prev === 'root') return this.#session > 0 ? this.#anchor : null;
    if (this.#seeds.has(prev)) return this.#anchor; // replayed history is already shown before the anchor
    return prev;
  }

  /** Links `item` after `prev` (null: first of its session). `undefined` gives a provisional place at the end. */
  #link(item: ItemRecord, prev: string | null | undefined): void {
    if (prev !== undefined) item.placed = true;
    let resolved = this.#resolvePrev(prev);
    if (resolved === undefined) {
      if (item.prev !== undefined) return;
      resolved = this.#lastPlaced(item.id);
    }
    if (resolved === item.id) return;
    if (item.prev === resolved) return;
    item.prev = resolved;
    item.linkSeq = ++this.#linkSeq;
    this.#orderDirty = true;
    this.#emit({ kind: 'reordered' });
  }

  /** The last item of the ordered list whose place is known (not waiting for an unknown predecessor). */
  #lastPlaced(except: string): string | null {
    const ordered = this.#ordered();
    for (let i = this.#rootedCount - 1; i >= 0; i--) {
      if (ordered[i]!.id !== except) return ordered[i]!.id;
    }
    return this.#session > 0 ? this.#anchor : null;
  }

  #upsert(raw: Item, prev: string | null | undefined, responseId?: string): void {
    const id = raw.id;
    if (!id || this.#isSeed(id)) return;
    const role = raw.type === 'message' ? raw.role : undefined;
    let item = this.#items.get(id);
    if (!item) item = this.#create(id, raw.type, role);
    item.confirmed = true;
    item.type = raw.type;
    if (role) item.role = role;
    const status: unknown = raw.status;
    if (status === 'completed' || status === 'incomplete' || status === 'in_progress') item.status = status;
    if (responseId) item.responseId = responseId;
    if (raw.type === 'message') {
      raw.content.forEach((p, i) => {
        const type = normalizePartType(p.type) ?? p.type;
        const part = this.#part(item!, i, type);
        part.type = type;
        const text = 'text' in p && typeof p.text === 'string' ? p.text : 'transcript' in p ? p.transcript : undefined;
        // Item events omit transcripts not yet known: an empty one never erases what deltas built.
        if (typeof text === 'string' && text !== '') {
          this.#setText(part, text);
          if (type === 'input_audio') item!.transcript = 'completed';
        }
        if (type === 'input_audio' && item!.transcript === 'none' && part.text === '' && this.#transcription) item!.transcript = 'pending';
      });
    } else if (raw.type === 'function_call') {
      item.name = raw.name;
      item.callId = raw.call_id;
      if (raw.arguments !== '' || item.arguments === undefined) {
        this.#textChars += raw.arguments.length - (item.arguments?.length ?? 0);
        item.arguments = raw.arguments;
      }
    } else if (raw.type === 'function_call_output') {
      item.callId = raw.call_id;
      this.#textChars += raw.output.length - (item.output?.length ?? 0);
      item.output = raw.output;
    }
    this.#link(item, prev);
    this.#emit({ kind: 'updated', item });
  }

  /** The user item for `id`, made as a placeholder (transcript pending) when it is not known yet. */
  #userPlaceholder(id: string): ItemRecord | undefined {
    let item = this.#items.get(id);
    if (!item) {
      item = this.#create(id, 'message', 'user');
      this.#part(item, 0, 'input_audio');
      item.transcript = this.#transcription ? 'pending' : 'none';
      this.#link(item, undefined);
    }
    return item;
  }

  /** The user item a transcription event names; transcription events mean transcription is on. */
  #userAudio(id: string): ItemRecord | undefined {
    if (this.#isSeed(id)) return undefined;
    this.#transcription = true;
    const item = this.#userPlaceholder(id);
    if (item && item.transcript === 'none') item.transcript = 'pending';
    return item;
  }

  #assistant(id: string, responseId: string): ItemRecord | undefined {
    if (this.#isSeed(id)) return undefined;
    let item = this.#items.get(id);
    if (!item) {
      item = this.#create(id, 'message', 'assistant');
      this.#link(item, undefined);
    }
    item.responseId ??= responseId;
    return item;
  }

  #functionCall(id: string, callId: string, responseId: string): ItemRecord | undefined {
    if (this.#isSeed(id)) return undefined;
    let item = this.#items.get(id);
    if (!item) {
      item = this.#create(id, 'function_call');
      item.arguments = '';
      this.#link(item, undefined);
    }
    item.callId ??= callId;
    item.responseId ??= responseId;
    return item;
  }

  #part(item: ItemRecord, index: number, type: string): ContentState {
    while (item.content.length <= index) item.content.push({ type, text: '', audioMs: 0 });
    return item.content[index]!;
  }

  #setText(part: ContentState, text: string): void {
    this.#textChars += text.length - part.text.length;
    part.text = text;
  }

  #remove(item: ItemRecord, reason: 'deleted' | 'evicted' | 'discarded'): void {
    if (!this.#items.has(item.id)) return;
    // Keep the server's list semantics: what followed the removed item now follows its predecessor.
    for (const other of this.#items.values()) {
      if (other.prev === item.id) {
        other.prev = item.prev;
        other.linkSeq = item.linkSeq;
      }
    }
    if (this.#anchor === item.id) this.#anchor = item.prev ?? null;
    this.#items.delete(item.id);
    this.#textChars -= item.content.reduce((n, p) => n + p.text.length, 0) + (item.arguments?.length ?? 0) + (item.output?.length ?? 0);
    this.#orderDirty = true;
    this.#emit({ kind: 'removed', item, reason });
  }

  #evict(): void {
    while (this.#items.size > this.#maxItems) {
      const oldest = this.#ordered()[0];
      if (!oldest) return;
      this.#remove(oldest as ItemRecord, 'evicted');
    }
  }

  /**
   * Linearises the links: depth first from the head, and among items placed after the same one,
   * the one linked last comes first (an insert after X pushes X's old follower down, as on the
   * server). Items waiting for an unknown predecessor follow at the end, in arrival order.
   */
  #ordered(): ItemRecord[] {
    if (!this.#orderDirty) return this.#order;
    const children = new Map<string, ItemRecord[]>();
    const waiting: ItemRecord[] = [];
    for (const item of this.#items.values()) {
      const key = item.prev === null ? HEAD : item.prev;
      if (key === undefined || (key !== HEAD && !this.#items.has(key))) {
        waiting.push(item);
        continue;
      }
      let list = children.get(key);
      if (!list) children.set(key, (list = []));
      list.push(item);
    }
    for (const list of children.values()) list.sort((a, b) => b.linkSeq - a.linkSeq);
    const out: ItemRecord[] = [];
    const seen = new Set<string>();
    const visit = (start: ItemRecord) => {
      const stack = [start];
      while (stack.length) {
        const item = stack.pop()!;
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        out.push(item);
        const kids = children.get(item.id);
        if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      }
    };
    for (const root of children.get(HEAD) ?? []) visit(root);
    this.#rootedCount = out.length;
    for (const item of waiting) visit(item);
    // A cycle (bad data) leaves items unreached: they still show, at the end.
    for (const item of this.#items.values()) if (!seen.has(item.id)) visit(item);
    this.#order = out;
    this.#orderDirty = false;
    return out;
  }

  #emit(change: ConversationChange): void {
    this.#snapshot = undefined;
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        console.error('realtime-voice: a conversation listener threw', error);
      }
    }
  }
}

/** Assistant parts in the items' spelling (`output_audio` / `output_text`), whichever the event used. */
function normalizePartType(type: string): string | undefined {
  const kind = partKind(type);
  return kind ? `output_${kind}` : undefined;
}

/** Decoded size of a base64 string, without decoding it. */
export function base64ByteLength(b64: string): number {
  let padding = 0;
  if (b64.endsWith('==')) padding = 2;
  else if (b64.endsWith('=')) padding = 1;
  return Math.max(0, Math.floor((b64.length * 3) / 4) - padding);
}

/** The first `fraction` of `text`, cut back to a word boundary. */
function cutAtWord(text: string, fraction: number): string {
  if (fraction >= 1) return text;
  if (fraction <= 0) return '';
  const end = Math.round(text.length * fraction);
  const space = text.lastIndexOf(' ', end);
  return (space > 0 ? text.slice(0, space) : text.slice(0, end)).trimEnd();
}

function seedFor(item: ConversationItem, outputs: Set<string>): ClientItem | undefined {
  if (item.type === 'message') {
    const text = item.truncated ? item.truncated.heardText : item.text;
    if (!text.trim()) return undefined;
    if (item.role === 'assistant') return assistantText(text);
    if (item.role === 'system') return systemText(text);
    return userText(text);
  }
  if (item.type === 'function_call' && item.callId && item.name && outputs.has(item.callId)) {
    return { type: 'function_call', name: item.name, arguments: item.arguments ?? '', call_id: item.callId };
  }
  if (item.type === 'function_call_output' && item.callId && item.output !== undefined) {
    return { type: 'function_call_output', call_id: item.callId, output: item.output };
  }
  return undefined;
}

function seedSize(item: ClientItem): number {
  switch (item.type) {
    case 'message':
      return item.content.reduce((n, p) => n + ('text' in p ? p.text.length : 0), 0);
    case 'function_call':
      return item.name.length + item.arguments.length;
    case 'function_call_output':
      return item.output.length;
    default:
      return 0;
  }
}
