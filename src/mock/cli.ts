#!/usr/bin/env node
// `npm run mock` / `realtime-voice-mock`: runs the mock GA realtime server until Ctrl-C.
import { parseArgs } from 'node:util';
import { startMockRealtime } from './server.js';

const HELP = `realtime-voice-mock: a local server that speaks the OpenAI Realtime GA protocol.

Options:
  --host <addr>            interface to listen on (default 127.0.0.1)
  --port <n>               port (default 8787; 0 = any free port)
  --api-key <sk-...>       the only standard key client_secrets accepts (default: any "sk-" key)
  --token-ttl <s>          lifetime of keys from POST /token (default 600)
  --session-limit <s>      session time limit in seconds (default 3600)
  --tick-ms <ms>           pause between streaming turns of a response (default 0: as fast as the event loop)
  --session <json>         GA session config applied to every new session, e.g. '{"type":"realtime","tools":[...]}'
  --quiet                  do not log connections
  -h, --help               this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'api-key': { type: 'string' },
      'token-ttl': { type: 'string' },
      'session-limit': { type: 'string' },
      'tick-ms': { type: 'string' },
      session: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} wants a non-negative number, got "${v}"`);
    return n;
  };
  const limit = num('session-limit', values['session-limit']);
  const tickMs = num('tick-ms', values['tick-ms']);
  const server = await startMockRealtime({
    host: values.host,
    port: num('port', values.port) ?? 8787,
    apiKey: values['api-key'],
    tokenTtlSeconds: num('token-ttl', values['token-ttl']),
    sessionLimitMs: limit === undefined ? undefined : limit * 1000,
    pacing: tickMs === undefined ? undefined : { tickMs },
    session: values.session === undefined ? undefined : (JSON.parse(values.session) as Record<string, unknown>),
    log: values.quiet ? undefined : (line) => console.log(`[mock] ${line}`),
  });
  console.log(`Mock realtime server (OpenAI Realtime GA protocol), offline, no API costs.
  WebSocket        ${server.url}
  Token endpoint   POST ${server.tokenUrl}  ->  { value, expires_at, url }
  Client secrets   POST ${server.origin}/v1/realtime/client_secrets  (Authorization: Bearer sk-...)
  WebRTC calls     POST ${server.origin}/v1/realtime/calls  (SDP offer, Authorization: Bearer ek_...)
Press Ctrl-C to stop.`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`realtime-voice-mock: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
