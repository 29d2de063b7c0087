// The run's mock realtime server, driven from the page through the wtr `mock-realtime:*` commands.
import { executeServerCommand } from '@web/test-runner-commands';
// @ts-expect-error served by the wtr mock plugin (test/support/wtr-plugins.mjs)
import { MOCK_TOKEN_URL as TOKEN_URL, MOCK_URL as URL_ } from '/__mock-realtime__/config.js';

export const MOCK_URL: string = URL_;
export const MOCK_TOKEN_URL: string = TOKEN_URL;

export type MockEvent = { type: string; [key: string]: any };

/** Runs one `mock-realtime:<name>` command (see test/support/wtr-plugins.mjs). */
export const run = <T>(name: string, payload?: unknown) => executeServerCommand<T, unknown>(`mock-realtime:${name}`, payload);

export const mock = {
  reset: () => run('reset'),
  /** The next request to the token endpoint fails with this status and JSON body. */
  httpFault: (fault: { status: number; body?: unknown; path?: string; times?: number }) => run('http-fault', fault),
  /** Arms fault rules on the live (last) connection. */
  fault: (rules: Record<string, unknown>[]) => run('fault', { rules }),
  configure: (settings: Record<string, unknown>) => run('configure', settings),
  /** Ends the live session as the 60-minute limit does. */
  expire: () => run('expire', {}),
  /** Client events the last connection received (append audio replaced by `audio_bytes`). */
  received: async () => (await run<MockEvent[]>('received', {}))!,
  /** Server events the last connection sent. */
  sent: async () => (await run<MockEvent[]>('sent', {}))!,
  sentCount: async (type: string) => (await mock.sent()).filter((e) => e.type === type).length,
  connectionCount: async () => (await run<unknown[]>('connections'))!.length,
};
