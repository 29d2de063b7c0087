// The page's layer of the session, pure: what the page set (attributes, properties, updateSession
// patches), merged as GA merges updates, and what goes on the wire so that nothing the site's server
// bound is lost (protocol.md, 2026-12-01 update: objects merge by field, arrays replace).
import { parseSessionUpdate, type ClientEvent, type ServerSession, type Tool, type TranscriptionConfig } from '../protocol/index.js';

/** Checks an outgoing session.update against the strict GA schema; throws a TypeError naming the bad fields. */
export function validate(event: ClientEvent): void {
  const result = parseSessionUpdate(event);
  if (!result.ok) {
    const issues = result.error.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new TypeError(`Invalid ${event.type}: ${issues || result.error.message}`);
  }
}

/** A session patch: any part of a GA session without `type`. */
export type SessionLayer = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deep copy of JSON data. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** `patch` merged into `base`: objects by field, everything else (arrays, null, scalars) replaced; `undefined` changes nothing. */
export function mergeLayer<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeLayer(out[k], v) : v;
  }
  return out as T;
}

/** The key a tool is known by: a function's name, an MCP server's label. */
function toolKey(tool: { type?: unknown; name?: unknown; server_label?: unknown }): string {
  return tool.type === 'mcp' ? `mcp:${String(tool.server_label)}` : `fn:${String(tool.name)}`;
}

/**
 * The session's tools: the server's (bound to the token) with the page's added; a page tool of the
 * same name replaces the server's, and no server tool (MCP servers included) is ever dropped.
 */
export function mergeTools<T extends { type?: unknown }>(server: readonly T[], page: readonly T[]): T[] {
  const mine = new Set(page.map(toolKey));
  return [...server.filter((t) => !mine.has(toolKey(t))), ...page];
}

/** The non-null fields of an object the server reported (it echoes unset ones as null, which GA refuses in an update). */
function present(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in source) if (source[k] != null) out[k] = source[k];
  return out;
}

export interface WireOptions {
  /** The effective session (session.created / session.updated). */
  effective?: ServerSession;
  /** Transcription to enable when the effective session has none and the page names none: the model for captions. */
  transcriptionFallback?: TranscriptionConfig;
}

/**
 * What to send for `patch`: the same fields, with an input transcription or turn detection that the
 * patch changes only in part completed from the effective session (the server may replace those
 * objects whole). A turn detection of another type starts from the patch alone.
 */
export function wirePatch(patch: SessionLayer, { effective, transcriptionFallback }: WireOptions): SessionLayer {
  const out = cloneJson(patch);
  const input = (out.audio as { input?: Record<string, unknown> } | undefined)?.input;
  const now = (effective?.audio?.input ?? {}) as Record<string, unknown>;
  const t = input?.transcription;
  if (isPlainObject(t)) input!.transcription = { ...(isPlainObject(now.transcription) ? present(now.transcription) : transcriptionFallback), ...t };
  const td = input?.turn_detection;
  if (isPlainObject(td) && isPlainObject(now.turn_detection) && (td.type ?? now.turn_detection.type) === now.turn_detection.type) {
    input!.turn_detection = { ...present(now.turn_detection), ...td };
  }
  return out;
}

export interface HandshakeOptions extends WireOptions {
  /** The transport carries PCM16 at 24 kHz (WebSocket): a session in another format is switched to it. */
  pcm: boolean;
  /** The page's tools (layer and registered ones). */
  pageTools: readonly Tool[];
  /** The tools the server's session had before the page touched it (session.created). */
  serverTools: readonly Tool[];
}

const isPcm24k = (format: unknown) => isPlainObject(format) && format.type === 'audio/pcm' && (format.rate ?? 24_000) === 24_000;

/**
 * The first `session.update` of a connection: only what the page set, plus what the element cannot
 * work without (its audio format over WebSocket, input transcription for captions), never a field the
 * page left alone. An empty result means nothing needs sending: the server's session is used as is.
 */
export function handshakePatch(layer: SessionLayer, options: HandshakeOptions): SessionLayer {
  const add: Record<string, Record<string, unknown>> = { input: {}, output: {} };
  const audio = (layer.audio ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const server = (options.effective?.audio ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const side of ['input', 'output']) {
    const mine = audio[side] ?? {};
    const theirs = server[side];
    // A transcription session has no output; a server format other than 24 kHz PCM is switched to it.
    if (options.pcm && theirs && !('format' in mine) && !isPcm24k(theirs.format)) add[side]!.format = { type: 'audio/pcm', rate: 24_000 };
  }
  if (options.transcriptionFallback && !('transcription' in (audio.input ?? {})) && !isPlainObject(server.input?.transcription)) {
    add.input!.transcription = options.transcriptionFallback;
  }
  const patch: SessionLayer = mergeLayer(cloneJson(layer), { audio: add });
  delete patch.tools;
  if (options.pageTools.length) patch.tools = mergeTools(options.serverTools, options.pageTools);
  const a = patch.audio as Record<string, Record<string, unknown>>;
  for (const side of ['input', 'output']) if (!Object.keys(a[side]!).length) delete a[side];
  if (!Object.keys(a).length) delete patch.audio;
  return wirePatch(patch, options);
}
