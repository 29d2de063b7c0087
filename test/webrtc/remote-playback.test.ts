// RemotePlayback's output device in Chromium's fake audio stack: the <audio> element that plays the
// WebRTC voice goes to the chosen speaker from the start and when changed, and says why it cannot.
import { expect, waitUntil } from '@open-wc/testing';
import { RemotePlayback } from '../../src/audio/remote-playback.js';
import type { AudioEngineError } from '../../src/audio/errors.js';
import { speakers, unwatchPlay, watchPlay, withoutSetSinkId } from './speakers.js';

const opened: { close(): unknown }[] = [];
afterEach(() => {
  unwatchPlay();
  for (const o of opened.splice(0)) void o.close();
});

/** A started RemotePlayback playing a live stream, and the <audio> element it plays it with. */
async function playing(options: ConstructorParameters<typeof RemotePlayback>[0] = {}) {
  const played = watchPlay();
  const playback = new RemotePlayback(options);
  const source = new AudioContext();
  opened.push(playback, source);
  await playback.start();
  playback.attach(source.createMediaStreamDestination().stream);
  return { playback, audio: played[0]! };
}

const failure = (promise: Promise<void>) => promise.then(() => null, (e: AudioEngineError) => e);

describe('RemotePlayback output device', () => {
  it('plays through the sinkId it was given, and through another one when told', async () => {
    const [first, second] = await speakers();
    expect(second, 'two fake speakers').to.be.a('string');
    const errors: AudioEngineError[] = [];
    const { playback, audio } = await playing({ sinkId: first, onError: (e) => errors.push(e) });
    await waitUntil(() => audio.sinkId === first, 'the first speaker', { timeout: 15_000 });
    await playback.setSinkId(second!);
    expect(audio.sinkId).to.equal(second);
    expect(errors).to.deep.equal([]);
  });

  it('an unknown device id rejects with output_device_failed and keeps the current speaker', async () => {
    const { playback, audio } = await playing();
    const error = await failure(playback.setSinkId('no-such-speaker'));
    expect(error?.code).to.equal('output_device_failed');
    expect(error?.message).to.contain('no-such-speaker');
    expect(audio.sinkId).to.equal('');
  });

  it('an unknown sinkId at start goes to onError, and the voice still plays', async () => {
    const errors: AudioEngineError[] = [];
    const { audio } = await playing({ sinkId: 'no-such-speaker', onError: (e) => errors.push(e) });
    await waitUntil(() => errors.length === 1, 'the error', { timeout: 15_000 });
    expect(errors[0]!.code).to.equal('output_device_failed');
    expect(audio.paused).to.equal(false);
  });

  it('without HTMLMediaElement.setSinkId: output_device_unsupported', async () => {
    await withoutSetSinkId(async () => {
      const { playback } = await playing();
      expect((await failure(playback.setSinkId('default')))?.code).to.equal('output_device_unsupported');
    });
  });
});
