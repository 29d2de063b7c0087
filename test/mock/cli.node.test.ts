// `npm run mock`: the CLI prints its URLs, serves tokens and sessions, and stops cleanly on Ctrl-C.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { TestClient } from './helpers.js';
import type { MockRealtimeServer } from '../../src/mock/index.js';

it('prints the URLs, serves a session, and exits 0 on SIGINT', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/mock/cli.ts', '--port', '0', '--session-limit', '90'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let wake = () => {};
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    wake();
  });
  const printed = async (pattern: RegExp) => {
    while (!pattern.test(out)) await new Promise<void>((resolve) => (wake = resolve));
  };
  await printed(/Press Ctrl-C/);
  const ws = /WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime)/.exec(out)?.[1];
  const token = /Token endpoint\s+POST (http:\/\/127\.0\.0\.1:\d+\/token)/.exec(out)?.[1];
  assert.ok(ws && token, out);
  assert.match(out, /Client secrets\s+POST http:\/\/127\.0\.0\.1:\d+\/v1\/realtime\/client_secrets/);
  const calls = /WebRTC calls\s+POST (http:\/\/127\.0\.0\.1:\d+\/v1\/realtime\/calls)/.exec(out)?.[1];
  assert.equal(calls, ws.replace(/^ws/, 'http') + '/calls', out);
  // The printed URL is the live endpoint: it asks for a key (401), it is not a 404.
  const unauthorized = await fetch(calls!, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0' });
  assert.equal(unauthorized.status, 401);
  const minted = (await (await fetch(token, { method: 'POST', body: '{}' })).json()) as { value: string; url: string };
  assert.equal(minted.url, ws);
  const client = await TestClient.connect({ url: ws } as MockRealtimeServer, { key: minted.value });
  const [created] = await client.expect(['session.created', 'conversation.created']);
  assert.ok(created!.session.expires_at - Date.now() / 1000 <= 90, 'the session limit option applies');
  await printed(/connection 1: realtime session/);
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  assert.equal((await client.closed).code, 1006, 'open sockets are cut when the server stops');
});
