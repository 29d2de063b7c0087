import * as z from 'zod/mini';

// Must run before any schema is built: zod probes `new Function` at construction, which a strict CSP
// reports as a violation even though the probe's exception is caught.
z.config({ jitless: true });

// Shared primitive instances (schemas are immutable), kept out of the public index.
export const str = z.string();
export const optStr = z.optional(str);
export const num = z.number();
export const optNum = z.optional(num);
export const optBool = z.optional(z.boolean());

/** Union of the values of a `type`-keyed schema map: the event type its schemas describe. */
export type EventUnion<S extends Record<string, z.ZodMiniType>> = { [K in keyof S]: z.infer<S[K]> }[keyof S];

/** One discriminated-union schema over a `type`-keyed map of event schemas. */
export const unionOf = <S extends Record<string, z.core.$ZodTypeDiscriminable>>(schemas: S) =>
  z.discriminatedUnion('type', Object.values(schemas) as unknown as [S[keyof S], ...Array<S[keyof S]>]);

export { z };
