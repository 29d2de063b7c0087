// <realtime-voice transport="webrtc"> in Chromium with the fake microphone, against the mock's
// WebRTC endpoint: what differs from WebSocket (barge-in through output_audio_buffer.clear, mute
// by disabling the sender's track, a dropped peer connection, an SDP refusal). The shared behaviour
// runs in the element suites for both transports (test/element, forEachTransport).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { mock, MOCK_TOKEN_URL, run } from '../client/mock-control.js';
import { assistantReply, nextEvent, part, reach, record } from '../element/helpers.js';

/** An element whose peer connections the test can inspect (stats, the sender's track). */
async function webrtcElement(attrs: { muted?: boolean; textInput?: boolean; turnDetection?: string } = {}) {
  const el = await fixture<RealtimeVoice>(
    html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport="webrtc" ?muted=${attrs.muted} ?text-input=${attrs.textInput} turn-detection=${attrs.turnDetection ?? 'server_vad'}></realtime-voice>`,
  );
  const pcs: RTCPeerConnection[] = [];
  el.platform = {
    createPeerConnection: (config) => {
      const pc = new RTCPeerConnection(config);
      pcs.push(pc);
      return pc;
    },
  };
  return { el, pcs, log: record(el) };
}

async function packetsSent(pc: RTCPeerConnection): Promise<number> {
  let sent = 0;
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'outbound-rtp' && s.kind === 'audio') sent = s.packetsSent as number;
  });
  return sent;
}

/** Waits, by polling the stats once per animation frame, until the call has sent `count` audio packets. */
async function untilPacketsSent(pc: RTCPeerConnection, count: number): Promise<void> {
  while ((await packetsSent(pc)) < count) await new Promise((resolve) => requestAnimationFrame(resolve));
}

function center(el: Element): [number, number] {
  const r = el.getBoundingClientRect();
  return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
}

afterEach(async () => {
  await resetMouse();
  await mock.reset();
});

describe('<realtime-voice transport="webrtc"> against the mock', () => {
  it('interrupt() cancels and sends output_audio_buffer.clear: the server clears its buffer, nothing is truncated by the client', async () => {
    const { el, log } = await webrtcElement({ textInput: true });
    // Typed first (no microphone), so that only our interrupt cuts the reply.
    await el.sendText('Please tell me a long story about the sea and the wind and the boats.');
    await reach(el, 'speaking', 20000);
    el.interrupt();
    await reach(el, 'listening');
    await waitUntil(() => log.received('output_audio_buffer.cleared').length === 1, 'the server cleared the buffer', { timeout: 10000 });
    expect(log.sent('output_audio_buffer.clear').length).to.equal(1);
    expect(log.sent('conversation.item.truncate')).to.deep.equal([]);
    expect(log.received('output_audio_buffer.stopped')).to.deep.equal([]);
    const types = log.of('rv-client-event').map((e) => e.detail.type);
    const cancel = types.indexOf('response.cancel');
    if (cancel >= 0) expect(cancel, 'response.cancel goes before output_audio_buffer.clear').to.be.below(types.indexOf('output_audio_buffer.clear'));
    expect(el.state).to.equal('listening');
    el.disconnect();
    log.stop();
  });

  it('mute disables the sender track (the server hears silence), unmute lets the voice through, and ending releases the track', async () => {
    const { el, pcs, log } = await webrtcElement({ muted: true });
    part(el, 'button')!.click();
    await reach(el, 'listening');
    const pc = pcs[0]!;
    // replaceTrack settles asynchronously once the session is ready.
    await waitUntil(() => pc.getSenders().some((s) => s.track?.kind === 'audio'), 'the microphone on the call', { timeout: 15_000 });
    const sender = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
    expect(sender.track!.enabled).to.equal(false);
    expect(el.matches(':state(muted)')).to.equal(true);
    // 3 s of packets cover at least 1.5 s of the fake microphone's looping speech: all of it muted.
    const from = await packetsSent(pc);
    await untilPacketsSent(pc, from + 150);
    expect(log.received('input_audio_buffer.speech_started')).to.deep.equal([]);

    part(el, 'mute')!.click();
    await el.updateComplete;
    expect(sender.track!.enabled).to.equal(true);
    await nextEvent(el, 'rv-server-event', (e) => e.detail.type === 'input_audio_buffer.speech_started', 15000);

    const track = sender.track!;
    el.disconnect();
    expect(track.readyState, 'the microphone clone is stopped').to.equal('ended');
    expect(pc.connectionState).to.equal('closed');
    log.stop();
  });

  it('swapping the microphone replaces the track on the call, without renegotiating or ending the session', async () => {
    const { el, pcs, log } = await webrtcElement();
    part(el, 'button')!.click();
    await reach(el, 'listening');
    const pc = pcs[0]!;
    await waitUntil(() => pc.getSenders().some((s) => s.track?.kind === 'audio'), 'the microphone on the call', { timeout: 15_000 });
    const sender = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
    const before = sender.track!;
    await waitUntil(() => part(el, 'devices'), 'the microphone picker', { timeout: 15_000 });
    const select = part<HTMLSelectElement>(el, 'devices')!;
    select.value = [...select.options].at(-1)!.value;
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => sender.track !== before && sender.track?.readyState === 'live', 'the new microphone on the call', { timeout: 10000 });
    expect(before.readyState, 'the old clone is released').to.equal('ended');
    const from = await packetsSent(pc);
    await untilPacketsSent(pc, from + 25);
    expect(log.sent('session.update').length).to.equal(1);
    expect(pcs.length).to.equal(1);
    expect(log.of('rv-error')).to.deep.equal([]);
    el.disconnect();
    log.stop();
  });

  it('push-to-talk: the voice leaves only while the button is held; release commits it and asks for an answer', async () => {
    const { el, pcs, log } = await webrtcElement({ turnDetection: 'none' });
    const button = part(el, 'button')!;
    await sendMouse({ type: 'move', position: center(button) });
    await sendMouse({ type: 'down' });
    await reach(el, 'listening');
    const pc = pcs[0]!;
    await waitUntil(() => pc.getSenders().some((s) => s.track?.kind === 'audio'), 'the microphone on the call', { timeout: 15_000 });
    const sender = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
    expect(sender.track!.enabled, 'held: the track sends').to.equal(true);
    // About 2 s of the fake microphone, counted in packets on the wire.
    await untilPacketsSent(pc, (await packetsSent(pc)) + 100);
    await sendMouse({ type: 'up' });
    await el.updateComplete;
    expect(sender.track!.enabled, 'released: the track is silent').to.equal(false);
    const reply = await assistantReply(el);
    expect(reply).to.match(/speech/);
    expect(log.sent('input_audio_buffer.commit').length).to.equal(1);
    expect(log.sent('response.create').length).to.equal(1);
    expect(log.received('input_audio_buffer.speech_started')).to.deep.equal([]);
    expect(log.sent('input_audio_buffer.append')).to.deep.equal([]);
    el.disconnect();
    log.stop();
  });

  it('reconnects after the mock drops the peer connection: reconnecting, then listening on a new call with the transcript kept', async () => {
    const { el, pcs, log } = await webrtcElement({ textInput: true });
    await el.sendText('First');
    expect(await assistantReply(el)).to.equal('You wrote: First');
    await reach(el, 'listening', 20000);
    const reconnecting = nextEvent(el, 'rv-state', (e) => e.detail.state === 'reconnecting');
    await run('drop', { code: 1006 });
    expect((await reconnecting).detail.reason).to.equal('connection_lost');
    await reach(el, 'listening', 20000);
    expect(pcs.length).to.equal(2);
    expect(pcs[0]!.connectionState).to.equal('closed');
    await el.sendText('Second');
    await waitUntil(() => el.transcript.some((e) => e.text === 'You wrote: Second' && e.final), 'second reply', { timeout: 20000 });
    expect(el.transcript.map((e) => e.text)).to.deep.equal(['First', 'You wrote: First', 'Second', 'You wrote: Second']);
    el.disconnect();
    log.stop();
  });

  it('a refused call (the SDP answer is a JSON error) ends in a fatal rv-error with the server message', async () => {
    await mock.httpFault({
      path: '/v1/realtime/calls',
      status: 403,
      body: { error: { message: 'WebRTC is not enabled for this project.', type: 'invalid_request_error', code: 'webrtc_disabled', param: null } },
    });
    const { el } = await webrtcElement({ textInput: true });
    const error = nextEvent(el, 'rv-error', (e) => e.detail.fatal);
    void el.sendText('Hello');
    const detail = (await error).detail;
    expect(detail.code).to.equal('webrtc_disabled');
    expect(detail.message).to.equal('WebRTC is not enabled for this project.');
    await reach(el, 'error');
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.contain('WebRTC is not enabled');
  });
});
