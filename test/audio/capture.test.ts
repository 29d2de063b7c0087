import { expect } from '@open-wc/testing';
import { AudioCapture, type CaptureDeviceChange } from '../../src/audio/capture.js';
import { AudioEngineError } from '../../src/audio/errors.js';
import {
  FakeMediaDevices,
  collect,
  envelope,
  floatEnvelope,
  loopedXCorr,
  nextFrames,
  toneFrequency,
  framesOfSound,
  toneMicrophone,
  until,
} from './media-fakes.js';

const WAV = new URL('../fixtures/speech-48k.wav', import.meta.url).href;
const WAV_FRAMES = 281; // 5.62 s of 20 ms frames: one loop of the fake microphone

async function referenceEnvelope(): Promise<number[]> {
  const bytes = await (await fetch(WAV)).arrayBuffer();
  const audio = await new OfflineAudioContext(1, 1, 24000).decodeAudioData(bytes);
  return floatEnvelope(audio.getChannelData(0));
}

describe('AudioCapture: the fake microphone (the committed WAV) through the capture worklet', () => {
  for (const rate of [48000, 44100]) {
    it(`correlates with the WAV when the capture context runs at ${rate} Hz`, async () => {
      const { capture, frames } = collect(
        (onFrame) =>
          new AudioCapture({
            audioContext: () => new AudioContext({ sampleRate: rate }),
            echoCancellation: false,
            noiseSuppression: false,
            autoGainControl: false,
            onFrame,
          }),
      );
      try {
        await capture.start();
        expect(capture.context?.sampleRate).to.equal(rate);
        await nextFrames(frames, WAV_FRAMES + 20);
      } finally {
        await capture.stop();
      }
      expect(frames.every((f) => f.length === 480)).to.equal(true);
      const captured = envelope(frames.slice(10, 10 + WAV_FRAMES));
      const reference = await referenceEnvelope();
      const best = loopedXCorr(captured, reference);
      const control = loopedXCorr(captured, [...reference].reverse());
      expect(best, `xcorr ${best.toFixed(3)}, control ${control.toFixed(3)}`).to.be.greaterThan(0.8);
      expect(best - control).to.be.greaterThan(0.2);
    });
  }
});

// Tone microphones tell devices apart by pitch (440 Hz vs 1500 Hz). The tolerance is wide because
// Chromium may drop a few milliseconds of a MediaStream that just started, to catch up.
describe('AudioCapture with injected microphones', () => {
  let capture: AudioCapture | undefined;
  afterEach(async () => {
    await capture?.stop();
    capture = undefined;
  });

  it('asks for echo cancellation, noise suppression and gain control by default; each can be turned off', async () => {
    const asked: MediaStreamConstraints[] = [];
    const getUserMedia = async (c: MediaStreamConstraints) => {
      asked.push(c);
      return toneMicrophone(440, 'a');
    };
    capture = new AudioCapture({ getUserMedia, mediaDevices: new FakeMediaDevices() });
    await capture.start();
    await capture.stop();
    capture = new AudioCapture({ getUserMedia, mediaDevices: new FakeMediaDevices(), deviceId: 'b', echoCancellation: false, noiseSuppression: false, autoGainControl: false });
    await capture.start();
    expect(asked[0].audio).to.deep.include({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    expect((asked[0].audio as MediaTrackConstraints).deviceId).to.equal(undefined);
    expect(asked[1].audio).to.deep.include({ echoCancellation: false, noiseSuppression: false, autoGainControl: false, deviceId: { exact: 'b' } });
  });

  it('mute sends all-zero frames while they keep coming every 20 ms of audio clock; unmute brings the sound back', async () => {
    const collected = collect((onFrame) => new AudioCapture({ getUserMedia: async () => toneMicrophone(440, 'a'), mediaDevices: new FakeMediaDevices(), onFrame }));
    capture = collected.capture;
    const { frames } = collected;
    await capture.start();
    const ctx = capture.context!;
    const live = await nextFrames(frames, 25);
    expect(live.slice(5).every((f) => f.some((s) => s !== 0))).to.equal(true);
    capture.setMuted(true);
    expect(capture.muted).to.equal(true);
    await nextFrames(frames, 2); // frames already on their way may hold sound
    const t0 = ctx.currentTime;
    const n0 = frames.length;
    const muted = await nextFrames(frames, 50);
    const elapsed = ctx.currentTime - t0;
    expect(muted.every((f) => f.every((s) => s === 0))).to.equal(true);
    // Cadence on the audio clock: 50 frames are 1 s of audio, give or take the frames in flight.
    expect(frames.length - n0).to.be.within(((elapsed - 0.1) / 0.02) | 0, ((elapsed + 0.1) / 0.02) | 0);
    expect(capture.track?.readyState).to.equal('live');
    capture.setMuted(false);
    await nextFrames(frames, 2);
    const back = await nextFrames(frames, 10);
    expect(back.every((f) => f.some((s) => s !== 0))).to.equal(true);
  });

  it('pauseFrames (push-to-talk between holds) keeps the frames in the worklet while the meter still moves; unpaused, they flow again', async () => {
    const levels: number[] = [];
    const collected = collect((onFrame) => new AudioCapture({ getUserMedia: async () => toneMicrophone(440, 'a'), mediaDevices: new FakeMediaDevices(), onFrame, onLevel: (l) => levels.push(l) }));
    capture = collected.capture;
    const { frames } = collected;
    capture.pauseFrames(true); // before start: the new worklet starts paused
    await capture.start();
    await until(() => levels.length >= 20); // a second of the meter
    expect(frames.length, 'no frame crossed while paused').to.equal(0);
    expect(levels.at(-1), 'the meter shows the microphone').to.be.greaterThan(0.5);
    capture.pauseFrames(false);
    const back = await nextFrames(frames, 10);
    expect(back.slice(2).every((f) => f.some((s) => s !== 0))).to.equal(true);
    capture.pauseFrames(true);
    const [n, l] = [frames.length, levels.length];
    await until(() => levels.length >= l + 20);
    expect(frames.length - n, 'at most the frames already on their way').to.be.at.most(2);
  });

  it('setDevice swaps the microphone without stopping the frames: the new one opens before the old one stops', async () => {
    const log: string[] = [];
    const changes: CaptureDeviceChange[] = [];
    const getUserMedia = async (c: MediaStreamConstraints) => {
      const id = ((c.audio as MediaTrackConstraints).deviceId as { exact: string } | undefined)?.exact ?? 'a';
      const stream = await toneMicrophone(id === 'b' ? 1500 : 440, id);
      const track = stream.getAudioTracks()[0];
      const stop = track.stop;
      track.stop = () => {
        log.push(`stop ${id}`);
        stop();
      };
      log.push(`open ${id}`);
      return stream;
    };
    const collected = collect((onFrame) => new AudioCapture({ getUserMedia, mediaDevices: new FakeMediaDevices(), onFrame, onDeviceChange: (c) => changes.push(c) }));
    capture = collected.capture;
    const { frames } = collected;
    await capture.start();
    const before = await framesOfSound(frames, 25);
    const firstTrack = capture.track;
    await capture.setDevice('b');
    expect(log).to.deep.equal(['open a', 'open b', 'stop a']);
    expect(firstTrack?.readyState).to.equal('ended');
    expect(changes).to.deep.equal([{ deviceId: 'b', label: capture.track!.label, reason: 'requested' }]);
    await nextFrames(frames, 2);
    const after = await framesOfSound(frames, 25);
    expect(toneFrequency(before)).to.be.within(380, 500);
    expect(toneFrequency(after)).to.be.within(1300, 1700);
  });

  it('follows the devices: a lost device falls back to the default, and comes back when plugged in again', async () => {
    const devices = new FakeMediaDevices();
    devices.inputs = [];
    devices.set('default', 'usb');
    const opened: string[] = [];
    const getUserMedia = async (c: MediaStreamConstraints) => {
      const id = ((c.audio as MediaTrackConstraints).deviceId as { exact: string } | undefined)?.exact ?? 'default';
      opened.push(id);
      return toneMicrophone(id === 'usb' ? 1500 : 440, id);
    };
    const changes: string[] = [];
    const collected = collect((onFrame) => new AudioCapture({ getUserMedia, mediaDevices: devices, deviceId: 'usb', onFrame, onDeviceChange: (c) => changes.push(`${c.reason} ${c.deviceId}`) }));
    capture = collected.capture;
    const { frames } = collected;
    await capture.start();
    await nextFrames(frames, 5);
    devices.set('default');
    await until(() => changes.length === 1);
    expect(toneFrequency(await framesOfSound(frames, 20))).to.be.within(380, 500);
    devices.set('default', 'usb');
    await until(() => changes.length === 2);
    expect(toneFrequency(await framesOfSound(frames, 20))).to.be.within(1300, 1700);
    expect(changes).to.deep.equal(['lost default', 'returned usb']);
    expect(opened).to.deep.equal(['usb', 'default', 'usb']);
  });

  it('follows the system default when it changes (Chromium lists it as "default" with the new group)', async () => {
    const devices = new FakeMediaDevices();
    devices.inputs = [{ deviceId: 'default', groupId: 'group-a', label: 'Default - A' }];
    let group = 'group-a';
    const getUserMedia = async () => toneMicrophone(group === 'group-a' ? 440 : 1500, 'default', group);
    const changes: string[] = [];
    capture = new AudioCapture({ getUserMedia, mediaDevices: devices, onDeviceChange: (c) => changes.push(c.reason) });
    await capture.start();
    devices.dispatchEvent(new Event('devicechange')); // nothing changed: no swap
    group = 'group-h';
    devices.inputs = [{ deviceId: 'default', groupId: group, label: 'Default - Headset' }];
    devices.dispatchEvent(new Event('devicechange'));
    await until(() => changes.length > 0);
    expect(changes).to.deep.equal(['default-changed']);
    expect(capture.track?.getSettings().groupId).to.equal('group-h');
  });

  it('a track that ends (unplugged) is replaced and the frames go on; if none can be opened, microphone_ended', async () => {
    let calls = 0;
    const getUserMedia = async () => {
      if (++calls > 2) throw new DOMException('gone', 'NotFoundError');
      return toneMicrophone(440, `mic${calls}`);
    };
    const errors: AudioEngineError[] = [];
    const changes: string[] = [];
    const collected = collect((onFrame) => new AudioCapture({ getUserMedia, mediaDevices: new FakeMediaDevices(), onFrame, onError: (e) => errors.push(e), onDeviceChange: (c) => changes.push(`${c.reason} ${c.deviceId}`) }));
    capture = collected.capture;
    const { frames } = collected;
    await capture.start();
    capture.track!.dispatchEvent(new Event('ended'));
    await until(() => changes.length === 1);
    expect(changes).to.deep.equal(['ended mic2']);
    capture.track!.dispatchEvent(new Event('ended'));
    await until(() => errors.length === 1);
    expect(errors[0].code).to.equal('microphone_ended');
    // The session survives: silence frames keep the server's clock running.
    const still = await nextFrames(frames, 10);
    expect(still.length).to.equal(10);
  });

  it('a refused microphone rejects start() with microphone_denied and leaves nothing open', async () => {
    let ctx: AudioContext | undefined;
    capture = new AudioCapture({
      getUserMedia: async () => {
        throw new DOMException('Permission denied', 'NotAllowedError');
      },
      audioContext: () => (ctx = new AudioContext()),
    });
    const error = await capture.start().catch((e) => e);
    expect(error).to.be.instanceOf(AudioEngineError);
    expect(error.code).to.equal('microphone_denied');
    expect(ctx?.state).to.equal('closed');
    expect(capture.context).to.equal(null);
  });

  it('runs at the native rate; stop() releases the microphone (the recording indicator goes off) and closes its context', async () => {
    capture = new AudioCapture({ echoCancellation: false });
    await capture.start();
    const track = capture.track!;
    const ctx = capture.context!;
    // The capture context runs at the device's native rate, never forced to 24 kHz (Firefox).
    const native = new AudioContext();
    expect(ctx.sampleRate).to.equal(native.sampleRate);
    await native.close();
    expect(track.readyState).to.equal('live');
    await capture.stop();
    expect(track.readyState).to.equal('ended');
    expect(ctx.state).to.equal('closed');
    expect(capture.track).to.equal(null);
  });

  it('resumes its context when the browser suspends it, and the frames continue', async () => {
    const states: string[] = [];
    const collected = collect((onFrame) => new AudioCapture({ getUserMedia: async () => toneMicrophone(440, 'a'), mediaDevices: new FakeMediaDevices(), onFrame, onContextState: (s) => states.push(s) }));
    capture = collected.capture;
    await capture.start();
    await until(() => states.includes('running'));
    states.length = 0;
    await capture.context!.suspend();
    // statechange events may come after suspend() resolves: wait for both of them.
    await until(() => states.length >= 2 && states[states.length - 1] === 'running');
    expect(states).to.deep.equal(['suspended', 'running']);
    expect(capture.context!.state).to.equal('running');
    expect((await nextFrames(collected.frames, 5)).length).to.equal(5);
  });

  it('reports the level about 20 times per second as a meter reading', async () => {
    const levels: number[] = [];
    capture = new AudioCapture({ getUserMedia: async () => toneMicrophone(440, 'a'), mediaDevices: new FakeMediaDevices(), onLevel: (l) => levels.push(l) });
    await capture.start();
    const t0 = capture.context!.currentTime;
    await until(() => levels.length >= 30);
    const rate = levels.length / (capture.context!.currentTime - t0);
    expect(rate).to.be.within(15, 25);
    // A 0.5 sine is -9 dBFS RMS: 0.85 on the -60..0 dB meter.
    expect(levels[levels.length - 1]).to.be.within(0.8, 0.9);
  });
});
