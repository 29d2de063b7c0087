// Page tools the model may call: a registry (what goes into session.tools) and a runner that executes
// completed function calls, sends every output back, and asks for one response per turn.
import type { FunctionTool } from '../protocol/index.js';
import type { Clock } from './clock.js';

/** Passed to a tool handler along with the parsed arguments. */
export interface ToolContext {
  name: string;
  callId: string;
  itemId: string;
  /** Aborted when the handler runs out of time or the client closes. */
  signal: AbortSignal;
}

/** Runs a tool. Its result is sent to the model: a string as is, anything else as JSON. */
export type ToolHandler = (args: unknown, context: ToolContext) => unknown;

/** A function the model may call. */
export interface RealtimeTool {
  /** The function name the model uses (GA: letters, digits, `_` and `-`). */
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
  /** Runs the call; without one, the client emits `tool-call` and waits for `respond`. */
  handler?: ToolHandler;
  /** Ms before the call is answered with `{"error": ...}` (default: the client's toolTimeoutMs, 15000). */
  timeoutMs?: number;
}

/** A function call the model made, as given to `tool-call` listeners. */
export interface ToolCall {
  name: string;
  callId: string;
  itemId: string;
  responseId: string;
  /** The raw JSON text the model produced. */
  arguments: string;
  /** The parsed arguments, or undefined if they were not valid JSON. */
  args: unknown;
}

/** The part of a function_call item the runner needs. */
export interface FunctionCallRef {
  id: string;
  name: string;
  call_id: string;
  arguments: string;
  status?: string;
}

export interface ToolRunnerOptions {
  clock: Clock;
  defaultTimeoutMs?: number;
  /** Sends a function_call_output item. */
  sendOutput(callId: string, output: string): void;
  /** Asks for one response after a turn's outputs are all sent. */
  requestResponse(): void;
  /** A call no handler serves: return true if someone will `respond`. */
  unhandled(call: ToolCall, respond: (result: unknown) => void): boolean;
  /** A handler threw (or rejected) or nobody answered in time; the model has been told with an error output. */
  failed?(failure: ToolFailure): void;
}

/** A tool call that ended without a result. */
export interface ToolFailure {
  name: string;
  callId: string;
  reason: 'threw' | 'timeout';
  message: string;
}

interface Turn {
  running: Set<string>;
  outputs: number;
  done: boolean;
}

const REMEMBERED_CALLS = 256;

/** Tools by name, plus the execution of calls. */
export class ToolRunner {
  #tools = new Map<string, RealtimeTool>();
  #turns = new Map<string, Turn>();
  #seen: string[] = []; // call ids already started (a call is reported by several events)
  #answered: string[] = []; // call ids answered since the last reset
  #running = new Map<string, { controller: AbortController; responseId: string }>();
  readonly #o: ToolRunnerOptions;

  constructor(options: ToolRunnerOptions) {
    this.#o = options;
  }

  register(tool: RealtimeTool): void {
    this.#tools.set(tool.name, tool);
  }

  unregister(name: string): boolean {
    return this.#tools.delete(name);
  }

  get(name: string): RealtimeTool | undefined {
    return this.#tools.get(name);
  }

  /** The registered tools as session.tools entries. */
  definitions(): FunctionTool[] {
    return [...this.#tools.values()].map((t) => {
      const def: FunctionTool = { type: 'function', name: t.name };
      if (t.description !== undefined) def.description = t.description;
      if (t.parameters !== undefined) def.parameters = t.parameters;
      return def;
    });
  }

  /** Call ids whose output is still being computed. */
  get pendingCallIds(): string[] {
    return [...this.#running.keys()];
  }

  /**
   * Calls whose output is not known to have reached the server: still running, or answered since
   * the last `reset()` (an output sent while reconnecting waits in the queue, after the replay).
   */
  get unconfirmedCallIds(): string[] {
    return [...this.#running.keys(), ...this.#answered];
  }

  /** Feed each function_call item the server reports complete (response.output_item.done, response.done output). */
  callCompleted(item: FunctionCallRef, responseId: string): void {
    if (item.status !== undefined && item.status !== 'completed') return; // cut short: nothing to run
    if (this.#seen.includes(item.call_id)) return;
    this.#seen.push(item.call_id);
    if (this.#seen.length > REMEMBERED_CALLS) this.#seen.shift();
    this.#turn(responseId).running.add(item.call_id);
    this.#start(item, responseId);
  }

  /** Feed `response.done`: the turn's response is finished, outputs may now be followed by a response. */
  responseDone(responseId: string): void {
    const turn = this.#turns.get(responseId);
    if (!turn) return;
    turn.done = true;
    this.#finish(responseId);
  }

  /** A new session: responses of the old one will never report done, so their turns finish when their calls do. */
  reset(): void {
    this.#answered = [];
    for (const id of [...this.#turns.keys()]) this.responseDone(id);
  }

  /** Stops everything (the client is closing): running handlers are aborted, their outputs dropped. */
  dispose(): void {
    for (const { controller } of this.#running.values()) controller.abort();
    this.#running.clear();
    this.#turns.clear();
  }

  #turn(responseId: string): Turn {
    let turn = this.#turns.get(responseId);
    if (!turn) this.#turns.set(responseId, (turn = { running: new Set(), outputs: 0, done: false }));
    return turn;
  }

  #start(item: FunctionCallRef, responseId: string): void {
    const tool = this.#tools.get(item.name);
    const controller = new AbortController();
    this.#running.set(item.call_id, { controller, responseId });
    const timeoutMs = tool?.timeoutMs ?? this.#o.defaultTimeoutMs ?? 15_000;
    let settled = false;
    const settle = (output: string, failure?: Omit<ToolFailure, 'name' | 'callId'>) => {
      if (settled) return;
      settled = true;
      this.#o.clock.clearTimeout(timer);
      if (this.#running.get(item.call_id)?.controller !== controller) return; // disposed meanwhile
      this.#running.delete(item.call_id);
      this.#answered.push(item.call_id);
      if (this.#answered.length > REMEMBERED_CALLS) this.#answered.shift();
      this.#o.sendOutput(item.call_id, output);
      if (failure) this.#o.failed?.({ name: item.name, callId: item.call_id, ...failure });
      const turn = this.#turns.get(responseId);
      if (!turn) return;
      turn.running.delete(item.call_id);
      turn.outputs++;
      this.#finish(responseId);
    };
    const timer = this.#o.clock.setTimeout(() => {
      const message = `Tool "${item.name}" timed out after ${timeoutMs} ms.`;
      settle(errorOutput(message), { reason: 'timeout', message });
      controller.abort();
    }, timeoutMs);

    let args: unknown;
    try {
      args = item.arguments.trim() === '' ? {} : JSON.parse(item.arguments);
    } catch (error) {
      settle(errorOutput(`The arguments are not valid JSON: ${messageOf(error)}`));
      return;
    }
    const respond = (result: unknown) => settle(encodeResult(result));
    if (!tool?.handler) {
      const call: ToolCall = { name: item.name, callId: item.call_id, itemId: item.id, responseId, arguments: item.arguments, args };
      if (!this.#o.unhandled(call, respond)) settle(errorOutput(`Unknown tool "${item.name}".`));
      return;
    }
    const context: ToolContext = { name: item.name, callId: item.call_id, itemId: item.id, signal: controller.signal };
    const threw = (error: unknown) => {
      const message = messageOf(error);
      settle(errorOutput(message), { reason: 'threw', message: `Tool "${item.name}" failed: ${message}` });
    };
    try {
      Promise.resolve(tool.handler(args, context)).then(respond, threw);
    } catch (error) {
      threw(error);
    }
  }

  #finish(responseId: string): void {
    const turn = this.#turns.get(responseId);
    if (!turn || !turn.done || turn.running.size > 0) return;
    this.#turns.delete(responseId);
    if (turn.outputs > 0) this.#o.requestResponse();
  }
}

/** `{"error": message}`, what the model reads when a tool fails. */
export function errorOutput(message: string): string {
  return JSON.stringify({ error: message });
}

function encodeResult(result: unknown): string {
  if (typeof result === 'string') return result;
  try {
    return JSON.stringify(result) ?? 'null';
  } catch (error) {
    return errorOutput(`The tool result could not be serialised: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
