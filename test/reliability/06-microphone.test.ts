// Fault matrix, case 6: the microphone refused, absent, or unplugged mid-session. The refusals come
// through the element's `platform.getUserMedia` (the fake-device Chromium always grants); the unplug is
// the real fake-device track stopped and ended under the running session.
import { expect, waitUntil } from '@open-wc/testing';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { lines, micAppends, mock, mount, part, textTurn, untilAppends, useHarness, Watch } from './harness.js';

const refuse = (name: string) => () => Promise.reject(new DOMException(`${name} (injected)`, name));


/** A getUserMedia that hands out the fake device and keeps every stream, until told the microphone is gone. */
function microphones() {
  const streams: MediaStream[] = [];
  const state = { gone: false };
  return {
    streams,
    state,
    getUserMedia: async (constraints: MediaStreamConstraints) => {
      if (state.gone) throw new DOMException('Requested device not found', 'NotFoundError');
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      streams.push(stream);
      return stream;
    },
  };
}

/** Unplugs the microphone in use: its track stops and fires `ended`, as a removed device does. */
function unplug(stream: MediaStream): void {
  const track = stream.getAudioTracks()[0]!;
  track.stop();
  track.dispatchEvent(new Event('ended'));
}

async function fatalAtConnect(el: RealtimeVoice, code: string): Promise<void> {
  const w = new Watch(el);
  part(el, 'button')!.click();
  const error = await w.error(code);
  expect(error.fatal).to.equal(true);
  await w.state('error');
  expect(w.errors).to.have.length(1);
  await el.updateComplete;
  expect(part(el, 'error')!.textContent).to.equal(error.message);
  // The session that opened meanwhile is closed again: nothing is left connected.
  await waitUntil(async () => (await mock.connections()).every((c) => !c.open), 'the socket closed', { timeout: 15_000 });
}

describe('fault 6: the microphone denied, absent or unplugged', () => {
  useHarness();

  it('6a. denied (NotAllowedError) at the start: a fatal microphone_denied, nothing left open', async () => {
    const el = await mount({}, { platform: { getUserMedia: refuse('NotAllowedError') } });
    await fatalAtConnect(el, 'microphone_denied');
    expect(part(el, 'error')!.textContent).to.contain('Microphone access was refused');
  });

  it('6a. denied when added to a typed session: non-fatal, the conversation goes on by text', async () => {
    const el = await mount({ output: 'text' }, { platform: { getUserMedia: refuse('NotAllowedError') } });
    const w = new Watch(el);
    await textTurn(el, w, 'Typed first');
    part(el, 'button')!.click(); // the button adds the microphone to a session that has none
    const error = await w.error('microphone_denied');
    expect(error.fatal).to.equal(false);
    expect(el.state).to.equal('listening');
    await textTurn(el, w, 'Typed again');
    expect(lines(el)).to.deep.equal(['user: Typed first', 'assistant: You wrote: Typed first', 'user: Typed again', 'assistant: You wrote: Typed again']);
  });

  it('6b. absent (NotFoundError): a fatal microphone_not_found', async () => {
    const el = await mount({}, { platform: { getUserMedia: refuse('NotFoundError') } });
    await fatalAtConnect(el, 'microphone_not_found');
    expect(part(el, 'error')!.textContent).to.contain('No matching microphone');
  });

  it('6c. unplugged mid-session with another microphone available: swapped, the audio keeps flowing, no error', async () => {
    const mics = microphones();
    const el = await mount({ output: 'text', muted: '' }, { platform: { getUserMedia: mics.getUserMedia } });
    const w = new Watch(el);
    await el.connect();
    expect(el.state).to.equal('listening');
    await untilAppends(10, 'microphone audio');
    unplug(mics.streams[0]!);
    await waitUntil(() => mics.streams.length === 2, 'a new microphone opened', { timeout: 15_000 });
    const after = await micAppends();
    await untilAppends(after + 25, 'audio from the new microphone');
    expect(mics.streams[1]!.getAudioTracks()[0]!.readyState).to.equal('live');
    expect(el.state).to.equal('listening');
    expect(w.errors).to.deep.equal([]);
  });

  it('6c. unplugged with no microphone left: a non-fatal microphone_ended, the session stays usable by text', async () => {
    const mics = microphones();
    const el = await mount({ output: 'text', muted: '' }, { platform: { getUserMedia: mics.getUserMedia } });
    const w = new Watch(el);
    await el.connect();
    await untilAppends(10, 'microphone audio');
    mics.state.gone = true;
    unplug(mics.streams[0]!);
    const error = await w.error('microphone_ended');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.contain('microphone');
    expect(el.state).to.equal('listening');
    await textTurn(el, w, 'Can you still read me?');
    expect(mics.streams.every((s) => s.getAudioTracks().every((t) => t.readyState === 'ended'))).to.equal(true);
  });
});
