// The one entry point for frames: JSON text or parsed objects in, a typed result out, never a throw.
import type * as z from 'zod/mini';
import { ClientEventSchemas, SessionUpdateEventSchema, type ClientEvent, type ClientEventOf } from './client-events.js';
import { SERVER_PASS_THROUGH, ServerEventSchemas, type ServerEvent } from './server-events.js';

/** One problem found in a known event, at a dotted path such as `session.audio.input.turn_detection.threshold`. */
export interface ParseIssue {
  path: string;
  code: 'unknown_key' | 'missing' | 'invalid_type' | 'invalid_value';
  message: string;
}

/** Why a frame was refused. `eventType` and `issues` are set for `schema_mismatch`. */
export interface ParseError {
  code: 'invalid_json' | 'binary_frame' | 'not_an_object' | 'missing_type' | 'schema_mismatch' | 'too_large' | 'unsafe_key';
  message: string;
  eventType?: string;
  issues?: ParseIssue[];
}

/**
 * A known event (validated; `raw` is the frame as sent, with any element of an unknown shape the typed
 * `event` left out), an unknown event (passed through untouched), or an error. A known type whose
 * item or part is of a type or shape we do not know also passes through, with `known: false` and the
 * `issues` found: there is nothing in it to act on, and nothing is wrong with the connection.
 */
export type ParseResult<E> =
  | { ok: true; known: true; event: E; raw: { type: string; [k: string]: unknown } }
  | { ok: true; known: false; event: { type: string; [k: string]: unknown }; issues?: ParseIssue[] }
  | { ok: false; error: ParseError };

export interface ParseOptions {
  /** Longest text frame accepted, in UTF-16 code units. Default 8 MiB. */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 8 * 1024 * 1024;
// Real events nest about 8 deep; the limits stop hostile nesting and cyclic objects before zod recurses.
const MAX_DEPTH = 64;
const MAX_OBJECTS = 100_000;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const toTag = Object.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;
const GENERIC = 'Invalid input';
const BINARY_TAGS = new Set(['[object ArrayBuffer]', '[object SharedArrayBuffer]', '[object Blob]', '[object File]']);

type Schema = z.ZodMiniType;
type Failure = { ok: false; error: ParseError };
type Issue = z.core.$ZodIssue;

const fail = (code: ParseError['code'], message: string, extra?: Partial<ParseError>): Failure => ({
  ok: false,
  error: { code, message, ...extra },
});

function isBinary(data: unknown): boolean {
  if (ArrayBuffer.isView(data)) return true;
  const tag = toTag.call(data);
  return BINARY_TAGS.has(tag);
}

// Walks the whole value once: refuses prototype-polluting keys anywhere and bounds depth and size.
function scan(root: object): Failure | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  let objects = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) return fail('too_large', `event nests deeper than ${MAX_DEPTH} levels`);
    if (++objects > MAX_OBJECTS) return fail('too_large', `event holds more than ${MAX_OBJECTS} objects`);
    if (Array.isArray(value)) {
      for (const child of value) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value as object)) {
      if (UNSAFE_KEYS.has(key)) return fail('unsafe_key', `refused key "${key}"`);
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function mapIssue(issue: Issue, root: unknown, out: ParseIssue[]): void {
  const base = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      out.push({ path: base ? `${base}.${key}` : key, code: 'unknown_key', message: `unknown key "${key}"` });
    }
    return;
  }
  const value = valueAt(root, issue.path);
  if (value === undefined) {
    out.push({ path: base, code: 'missing', message: 'required field is missing' });
    return;
  }
  if (issue.code === 'invalid_type') {
    out.push({ path: base, code: 'invalid_type', message: `expected ${issue.expected}, got ${describe(value)}` });
    return;
  }
  if (issue.code === 'invalid_union' && !issue.discriminator && issue.errors.length > 0) {
    // Every alternative refused the value's type (e.g. a number where string | {id} is allowed).
    const typeOnly = issue.errors.every((branch) => branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
    if (typeOnly) {
      out.push({ path: base, code: 'invalid_type', message: `${valueMessage(issue)}, got ${describe(value)}` });
      return;
    }
  }
  out.push({ path: base, code: 'invalid_value', message: valueMessage(issue) });
}

/**
 * Leaves out what an issue names: the invalid value, or the object (or array element) that misses a
 * field. False when that would be the event itself or one of its own fields (its envelope).
 */
function drop(root: unknown, issue: ParseIssue): boolean {
  const path = issue.path ? issue.path.split('.') : [];
  // A missing field, or a type we do not know: the object itself goes (in one step).
  if (issue.code === 'missing' || path.at(-1) === 'type') path.pop();
  if (path.length < 2) return false;
  const key = path.pop()!;
  const parent = valueAt(root, path);
  // A content part keeps its place, empty, so that the parts after it keep their content_index.
  if (Array.isArray(parent)) parent.splice(Number(key), 1, ...(path.at(-1) === 'content' ? [{ type: 'output_text', text: '' }] : []));
  else if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[key];
  return true;
}

function limit(bound: string, value: number | bigint, origin: string): string {
  if (origin === 'number' || origin === 'int') return `must be ${bound} ${value}`;
  return `must have ${bound} ${value} ${origin === 'string' ? 'characters' : 'entries'}`;
}

function valueMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'too_big':
      return limit('at most', issue.maximum, issue.origin);
    case 'too_small':
      return limit('at least', issue.minimum, issue.origin);
    case 'invalid_union':
      if (issue.discriminator) return `unknown "${issue.discriminator}"`;
      // Our unions carry a message naming the allowed shapes; zod/mini's own text is generic.
      return issue.message && issue.message !== GENERIC ? issue.message : 'matches none of the allowed shapes';
    default:
      return issue.message && issue.message !== GENERIC ? issue.message : 'invalid value';
  }
}

// `fallback` checks the types `schemas` does not know, which otherwise pass through unvalidated.
function parseWith<E>(
  data: unknown,
  schemas: Readonly<Record<string, Schema>>,
  options?: ParseOptions,
  fallback?: Schema,
  passThrough: readonly string[] = [],
): ParseResult<E> {
  try {
    let obj: unknown = data;
    if (typeof data === 'string') {
      const max = options?.maxLength ?? DEFAULT_MAX_LENGTH;
      if (data.length > max) return fail('too_large', `frame of ${data.length} characters exceeds ${max}`);
      try {
        obj = JSON.parse(data);
      } catch {
        return fail('invalid_json', 'frame is not valid JSON');
      }
    } else if (isBinary(data)) {
      return fail('binary_frame', 'binary frame where a JSON text event was expected');
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return fail('not_an_object', `event is ${describe(obj)}, not an object`);
    }
    const refused = scan(obj);
    if (refused) return refused;
    const type = (obj as { type?: unknown }).type;
    if (typeof type !== 'string' || type === '') return fail('missing_type', 'event has no string "type"');
    const schema = hasOwn.call(schemas, type) ? schemas[type] : fallback;
    if (!schema) return { ok: true, known: false, event: obj as { type: string } };
    let result = schema.safeParse(obj);
    const issues: ParseIssue[] = [];
    if (!result.success) {
      for (const issue of result.error.issues) mapIssue(issue, obj, issues);
    }
    // Client events stay strict (GA refuses what they get wrong); server events are read tolerantly.
    if (!result.success && passThrough.length) {
      // Tolerant where the state machine does not look: what fails our schema inside a known event (an
      // unknown item or part type, a new status, a field's new shape) is left out and the rest kept.
      // Required fields of the envelope cannot be left out: their event stays refused.
      // One at a time: leaving out an array element moves the ones after it.
      const repaired: unknown = structuredClone(obj);
      let found = issues;
      for (let round = 0; round < 64 && !result.success && found[0] && drop(repaired, found[0]); round++) {
        result = schema.safeParse(repaired);
        found = [];
        if (!result.success) for (const issue of result.error.issues) mapIssue(issue, repaired, found);
      }
    }
    if (result.success) return { ok: true, known: true, event: result.data as E, raw: obj as { type: string } };
    // Inside the `item` or `part` (not the field itself missing): an item or part we do not know, nothing to act on.
    if (issues.length && issues.every((i) => i.path.includes('.') && passThrough.includes(i.path.split('.')[0]!))) {
      return { ok: true, known: false, event: obj as { type: string }, issues };
    }
    const first = issues[0];
    const detail = first ? `: ${first.path || '(event)'} ${first.message}` : '';
    return fail('schema_mismatch', `"${type}" does not match its schema${detail}`, { eventType: type, issues });
  } catch (err) {
    // Getters that throw, hostile proxies, stack exhaustion: reported, never rethrown.
    return fail('not_an_object', `event could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Parses one server → client frame. `data` is a JSON text frame or an already-parsed object; binary
 * frames, oversized text (`maxLength`, default 8 MiB), unsafe keys and schema violations come back as
 * a typed `ParseError`. Unknown event types pass through untouched with `known: false`, and so do known
 * ones whose `item` or `part` is of a type or shape we do not know (with the `issues`). Never throws.
 */
export function parseServerEvent(data: unknown, options?: ParseOptions): ParseResult<ServerEvent> {
  return parseWith<ServerEvent>(data, ServerEventSchemas, options, undefined, SERVER_PASS_THROUGH);
}

/**
 * Parses one client → server frame with the strict GA client schemas (unknown keys are refused, as
 * GA refuses them). Same input forms and guarantees as {@link parseServerEvent}. Never throws.
 */
export function parseClientEvent(data: unknown, options?: ParseOptions): ParseResult<ClientEvent> {
  return parseWith<ClientEvent>(data, ClientEventSchemas, options);
}

/**
 * {@link parseClientEvent} for `session.update` alone: the same checks and results for a session update,
 * while a frame of any other type is refused (`schema_mismatch`, with an issue at `type`). Code that only
 * validates the session it sends (the browser client) then carries no other client schema. Never throws.
 */
export function parseSessionUpdate(data: unknown, options?: ParseOptions): ParseResult<ClientEventOf<'session.update'>> {
  return parseWith<ClientEventOf<'session.update'>>(data, {}, options, SessionUpdateEventSchema);
}
