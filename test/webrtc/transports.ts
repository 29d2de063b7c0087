// Runs a shared element suite once per transport: the behaviour a user notices (states, transcript,
// tools, voice) must not depend on how the session reaches the API.

export type TransportName = 'websocket' | 'webrtc';

export const TRANSPORTS: readonly TransportName[] = ['websocket', 'webrtc'];

/** Declares `suite` once per transport, inside `describe('over <transport>')`. */
export function forEachTransport(suite: (transport: TransportName) => void): void {
  for (const transport of TRANSPORTS) describe(`over ${transport}`, () => suite(transport));
}
