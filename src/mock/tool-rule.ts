// The mock model's only "intelligence": a scripted rule that decides when to call a tool, and
// arguments generated from the tool's JSON Schema so that they always validate.

/** A function tool as declared in the session or in response.create. */
export interface MockFunctionTool {
  type: 'function';
  name: string;
  parameters?: Record<string, unknown>;
}

type ToolChoice = 'none' | 'auto' | 'required' | { type: string; name?: string | null } | undefined;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which tool the model calls, if any:
 * - `tool_choice: "none"`: never;
 * - `tool_choice: {type:"function", name}`: that tool;
 * - otherwise the first declared tool whose name appears as a whole word in the user's latest
 *   text message (so "call get_weather" or "what does get_weather say" both work);
 * - `tool_choice: "required"` with no name in the text: the first declared function tool.
 */
export function pickTool(tools: MockFunctionTool[], toolChoice: ToolChoice, userText: string | undefined): MockFunctionTool | undefined {
  if (tools.length === 0 || toolChoice === 'none') return undefined;
  if (typeof toolChoice === 'object' && toolChoice.type === 'function') {
    return tools.find((t) => t.name === toolChoice.name);
  }
  const named =
    userText === undefined
      ? undefined
      : tools.find((t) => new RegExp(`(^|[^\\w])${escape(t.name)}($|[^\\w])`, 'i').test(userText));
  if (named) return named;
  return toolChoice === 'required' ? tools[0] : undefined;
}

type Schema = Record<string, unknown>;

/** A value valid for `schema`: its const, default, first example or first enum value, else a typed stand-in. */
export function exampleFor(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 8) return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.length) return exampleFor(list[0], depth + 1);
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type) {
    case 'string':
      return stringExample(s);
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : undefined;
      const max = typeof s.maximum === 'number' ? s.maximum : undefined;
      let v = min ?? 1;
      if (max !== undefined && v > max) v = max;
      return type === 'integer' ? Math.ceil(v) : v;
    }
    case 'boolean':
      return true;
    case 'array': {
      const n = typeof s.minItems === 'number' ? s.minItems : 0;
      return Array.from({ length: n }, () => exampleFor(s.items, depth + 1));
    }
    case 'null':
      return null;
    case 'object':
    default:
      if (type === undefined && !s.properties) return null;
      return objectExample(s, depth);
  }
}

function stringExample(s: Schema): string {
  const byFormat: Record<string, string> = {
    date: '2026-01-01', 'date-time': '2026-01-01T12:00:00Z', time: '12:00:00', email: 'user@example.com',
    uri: 'https://example.com/', url: 'https://example.com/', uuid: '00000000-0000-4000-8000-000000000000',
  };
  let v = (typeof s.format === 'string' && byFormat[s.format]) || 'example';
  if (typeof s.minLength === 'number' && v.length < s.minLength) v = v.padEnd(s.minLength, 'x');
  if (typeof s.maxLength === 'number' && v.length > s.maxLength) v = v.slice(0, s.maxLength);
  return v;
}

function objectExample(s: Schema, depth: number): Record<string, unknown> {
  const props = (s.properties && typeof s.properties === 'object' ? s.properties : {}) as Record<string, unknown>;
  const required = Array.isArray(s.required) ? (s.required as unknown[]).filter((k): k is string => typeof k === 'string') : [];
  const out: Record<string, unknown> = {};
  for (const key of required) out[key] = exampleFor(props[key] ?? {}, depth + 1);
  return out;
}

/** The JSON arguments string the mock model passes to `tool`: its required properties only. */
export function toolArguments(tool: MockFunctionTool): string {
  const params = tool.parameters ?? { type: 'object', properties: {} };
  const value = exampleFor({ type: 'object', ...params });
  return JSON.stringify(value && typeof value === 'object' ? value : {});
}
