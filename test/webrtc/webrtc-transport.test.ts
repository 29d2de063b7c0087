// The WebRTC transport's connection-state handling, over a scripted peer connection and a fake clock:
// a call that stays `disconnected` is lost after 5 s and the client reconnects; a brief one is not.
import { expect } from '@open-wc/testing';
import { RealtimeClient } from '../../src/client/client.js';
import { FakeClock } from '../client/fake-clock.js';
import { until } from '../client/fake-socket.js';
import { peerFactory } from './fake-peer.js';

function setup() {
  const clock = new FakeClock();
  const factory = peerFactory();
  let tokens = 0;
  const client = new RealtimeClient({
    getToken: async () => ({ value: `ek_${++tokens}`, expires_at: clock.now() / 1000 + 600 }),
    url: 'wss://example.test/v1/realtime',
    transport: 'webrtc',
    createPeerConnection: factory.create,
    fetch: factory.fetch,
    clock,
    reconnect: { maxAttempts: 3, baseMs: 100, maxMs: 1000, random: () => 0 },
  });
  const states: string[] = [];
  client.on('state', (d) => states.push(`${d.state}:${d.reason}`));
  return { clock, factory, client, states };
}

async function ready(s: ReturnType<typeof setup>) {
  const connected = s.client.connect();
  await until(() => s.factory.peers.length === 1 && s.factory.last.remoteDescription !== null, 'the SDP answer applied');
  s.factory.last.handshake();
  await connected;
  return s.factory.last;
}

describe('WebRTC transport: a disconnected peer connection (fake clock)', () => {
  it('stays disconnected for 5 s: the call counts as lost and the client reconnects with a new call', async () => {
    const s = setup();
    const first = await ready(s);
    first.setState('disconnected');
    s.clock.advance(4999);
    expect([s.client.state, s.factory.peers.length, first.closed], 'ICE may still recover').to.deep.equal(['ready', 1, false]);
    s.clock.advance(1);
    expect([s.client.state, s.client.stateReason]).to.deep.equal(['reconnecting', 'connection_lost']);
    expect(first.closed, 'the lost call is hung up').to.equal(true);
    s.clock.next(); // the backoff delay
    await until(() => s.factory.peers.length === 2 && s.factory.last.remoteDescription !== null, 'a second call');
    s.factory.last.handshake();
    await until(() => s.client.state === 'ready');
    expect(s.states).to.deep.equal(['connecting:connect', 'ready:connected', 'reconnecting:connection_lost', 'ready:reconnected']);
    expect(s.factory.offers).to.have.length(2);
  });

  it('recovers to connected within 5 s: no reconnect, the same call carries on', async () => {
    const s = setup();
    const first = await ready(s);
    first.setState('disconnected');
    s.clock.advance(4000);
    first.setState('connected');
    s.clock.advance(60_000);
    expect([s.client.state, s.factory.peers.length, first.closed]).to.deep.equal(['ready', 1, false]);
    expect(s.states).to.deep.equal(['connecting:connect', 'ready:connected']);
    s.client.sendText('Still there?');
    expect(first.channel.sent.map((e) => e.type).slice(-2), 'the data channel still carries events').to.deep.equal(['conversation.item.create', 'response.create']);
  });

  it('fails: lost at once, without waiting for the 5 s', async () => {
    const s = setup();
    const first = await ready(s);
    first.setState('failed');
    expect([s.client.state, s.client.stateReason, first.closed]).to.deep.equal(['reconnecting', 'connection_lost', true]);
  });
});
