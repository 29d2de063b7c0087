// Shared helpers for the schema modules. zod/mini builds objects without the eval-based JIT of
// classic zod, so no `new Function` probe runs and strict CSPs stay quiet (test/protocol/csp.test.ts).
import * as z from 'zod/mini';

// Shared primitive instances (schemas are immutable), kept out of the public index.
export const str = z.string();
export const optStr = z.optional(str);
export const num = z.number();
export const optNum = z.optional(num);
export const optBool = z.optional(z.boolean());
export const nullableStr = z.optional(z.nullable(str));
/** A JSON object of anything (tool parameters, metadata, prompt variables). An object schema, not z.record: the bundle then carries no record type (-0.5 kB gz). */
export const anyRecord = z.looseObject({}) as unknown as z.ZodMiniType<Record<string, unknown>, Record<string, unknown>>;
// Bounds as refinements with the wording zod's own checks use: the bundle then carries none of zod's
// number formats and size checks (z.int, z.gte, z.lte, z.maxLength: about 0.5 kB gz together).
export const atLeast = /* @__NO_SIDE_EFFECTS__ */ (min: number) => z.refine<number>((n) => n >= min, `must be at least ${min}`);
export const atMost = /* @__NO_SIDE_EFFECTS__ */ (max: number) => z.refine<number>((n) => n <= max, `must be at most ${max}`);
/** A number from `min` to `max`. */
export const between = /* @__NO_SIDE_EFFECTS__ */ (min: number, max: number) => num.check(atLeast(min), atMost(max));
/** A whole number of at least `min` (milliseconds, indexes, token counts). */
export const wholeNumber = /* @__NO_SIDE_EFFECTS__ */ (min: number) => num.check(atLeast(min), z.refine(Number.isInteger, 'expected a whole number'));
// Shapes the server echoes in both sessions and responses, lenient as its other fields.
export const looseFormat = z.looseObject({ type: str, rate: optNum });
export const looseVoice = z.union([str, z.looseObject({ id: str })]);
export const tokensOrInf = z.union([num, z.literal('inf')]);

/**
 * A field the client passes on without reading (usage, log probabilities, rate limits): typed as `T`
 * for the page, kept as the server sent it, never validated, so a new shape there costs nothing.
 */
export const asSent = /* @__NO_SIDE_EFFECTS__ */ <T>() => z.unknown() as unknown as z.ZodMiniType<T, T>;

/** Union of the values of a `type`-keyed schema map: the event type its schemas describe. */
export type EventUnion<S extends Record<string, z.ZodMiniType>> = { [K in keyof S]: z.infer<S[K]> }[keyof S];

type EventShape<K extends string, S> = { type: z.ZodMiniLiteral<K>; event_id: typeof optStr } & S;
type EventSchemas<M, C extends z.core.$ZodObjectConfig> = {
  [K in keyof M & string]: z.ZodMiniObject<EventShape<K, M[K]>, C>;
};

/**
 * Builds one object schema per event from a `type` -> fields map, adding `type` (the key, as a
 * literal) and the optional `event_id`, so a type is written once and cannot drift from its key.
 */
export /* @__NO_SIDE_EFFECTS__ */ function eventSchemas<C extends z.core.$strict | z.core.$loose, M extends Record<string, z.core.$ZodLooseShape>>(
  object: (shape: z.core.$ZodLooseShape) => z.ZodMiniObject<z.core.$ZodLooseShape, C>,
  shapes: M,
): EventSchemas<M, C> {
  const out: Record<string, unknown> = {};
  for (const type of Object.keys(shapes)) out[type] = object({ type: z.literal(type), event_id: optStr, ...shapes[type] });
  return out as EventSchemas<M, C>;
}

/** One discriminated-union schema over a `type`-keyed map of event schemas. */
// Pure, so a union nobody imports (the browser bundle parses through the maps) is dropped by the bundler.
export const unionOf = /* @__NO_SIDE_EFFECTS__ */ <S extends Record<string, z.core.$ZodTypeDiscriminable>>(schemas: S) =>
  z.discriminatedUnion('type', Object.values(schemas) as unknown as [S[keyof S], ...Array<S[keyof S]>]);

/** `a` and `b` in one new object (for schema maps built in parts). */
export const merged = /* @__NO_SIDE_EFFECTS__ */ <A extends object, B extends object>(a: A, b: B): A & B => ({ ...a, ...b });
