// A scripted RTCPeerConnection for WebRTC transport tests that need exact control of the connection
// state and the data channel (the `createPeerConnection` option). Real calls are in client-webrtc.test.ts.
import type { CreatePeerConnection } from '../../src/client/client.js';
import type { Sent } from '../client/fake-socket.js';

export class FakeDataChannel {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  readonly sent: Sent[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;

  send(data: string): void {
    if (this.readyState !== 'open') throw new Error(`send while ${this.readyState}`);
    this.sent.push(JSON.parse(data) as Sent);
  }

  close(): void {
    this.readyState = 'closed';
  }

  // ---- the server side ----

  open(): void {
    this.readyState = 'open';
    this.onopen?.();
  }

  receive(event: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
}

export class FakePeerConnection {
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  closed = false;
  readonly channel = new FakeDataChannel();
  ontrack: ((event: RTCTrackEvent) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;

  addTransceiver() {
    const sender = { track: null as MediaStreamTrack | null, replaceTrack: async (track: MediaStreamTrack | null) => void (sender.track = track) };
    return { sender };
  }

  createDataChannel(): FakeDataChannel {
    return this.channel;
  }

  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'offer', sdp: 'v=0 fake offer' };
  }

  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description;
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = description;
  }

  /** As the browser's: closing does not fire connectionstatechange. */
  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
    this.channel.close();
  }

  // ---- the network side ----

  /** The ICE/DTLS state moves, as the browser reports it. */
  setState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  /** Connects, opens the channel, announces the session and confirms the client's session.update if it sent one: the client becomes ready. */
  handshake(): void {
    this.setState('connected');
    this.channel.open();
    this.channel.receive({ type: 'session.created', event_id: 'ev_c', session: { type: 'realtime', id: 'sess_1' } });
    const update = this.channel.sent.find((e) => e.type === 'session.update');
    if (update) this.channel.receive({ type: 'session.updated', event_id: 'ev_u', session: update.session });
  }
}

/** A createPeerConnection option that records the connections it makes, and a fetch that answers every SDP offer. */
export function peerFactory() {
  const peers: FakePeerConnection[] = [];
  const create: CreatePeerConnection = () => {
    const pc = new FakePeerConnection();
    peers.push(pc);
    return pc as unknown as RTCPeerConnection;
  };
  const offers: string[] = [];
  const answer = async (_url: RequestInfo | URL, init?: RequestInit) => {
    offers.push(String(init?.body));
    return new Response('v=0 fake answer', { status: 201, headers: { 'Content-Type': 'application/sdp' } });
  };
  return { peers, create, offers, fetch: answer as typeof fetch, get last() { return peers[peers.length - 1]!; } };
}
