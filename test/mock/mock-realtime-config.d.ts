// The virtual module served by the mock-realtime wtr plugin (test/support/wtr-plugins.mjs).
declare module '*/__mock-realtime__/config.js' {
  /** WebSocket endpoint of the run's mock server, e.g. "ws://127.0.0.1:PORT/v1/realtime". */
  export const MOCK_URL: string;
  /** The widget token endpoint: POST {} -> { value, expires_at, url }. */
  export const MOCK_TOKEN_URL: string;
  /** "http://127.0.0.1:PORT" (POST {MOCK_ORIGIN}/v1/realtime/client_secrets is the GA endpoint). */
  export const MOCK_ORIGIN: string;
}
