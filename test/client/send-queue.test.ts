import { expect } from '@open-wc/testing';
import { SendQueue, type AudioDropReason } from '../../src/client/send-queue.js';

type Ev = { type: string; pcm?: number[] };

function setup(opts: { capacityFrames?: number; maxAppendFrames?: number; highWaterMark?: number } = {}) {
  const sent: Ev[] = [];
  const drops: [number, AudioDropReason][] = [];
  let buffered = 0;
  const q = new SendQueue<Ev>({
    transmit: (e) => sent.push(e),
    bufferedAmount: () => buffered,
    audioEvent: (pcm) => ({ type: 'append', pcm: Array.from(pcm) }),
    onAudioDropped: (frames, reason) => drops.push([frames, reason]),
    ...opts,
  });
  return {
    q,
    sent,
    drops,
    setBuffered: (n: number) => (buffered = n),
    /** All audio samples sent so far, in order. */
    audio: () => sent.filter((e) => e.type === 'append').flatMap((e) => e.pcm!),
  };
}
const pcm = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => from + i);

describe('SendQueue', () => {
  it('sends nothing before open, then flushes events and audio interleaved as they were given', () => {
    const s = setup({ capacityFrames: 100, maxAppendFrames: 100 });
    s.q.sendAudio(pcm(0, 3));
    s.q.send({ type: 'commit' });
    s.q.sendAudio(pcm(3, 2));
    s.q.send({ type: 'response.create' });
    expect(s.sent).to.deep.equal([]);
    expect([s.q.heldFrames, s.q.queuedEvents]).to.deep.equal([5, 2]);
    s.q.open();
    expect(s.sent.map((e) => e.type)).to.deep.equal(['append', 'commit', 'append', 'response.create']);
    expect(s.audio()).to.deep.equal([0, 1, 2, 3, 4]);
    s.q.send({ type: 'later' });
    s.q.sendAudio(pcm(5, 1));
    expect(s.sent.slice(4).map((e) => e.type)).to.deep.equal(['later', 'append']);
  });

  it('keeps only the newest capacity frames before open and reports the overflow as pre-connect drops', () => {
    const s = setup({ capacityFrames: 10, maxAppendFrames: 4 });
    s.q.sendAudio(pcm(0, 6));
    s.q.sendAudio(pcm(6, 6)); // 12 frames into 10: frames 0 and 1 are lost
    s.q.sendAudio(pcm(12, 25)); // bigger than the ring: only 27..36 survive
    expect(s.drops).to.deep.equal([
      [2, 'pre-connect'],
      [25, 'pre-connect'],
    ]);
    expect(s.q.droppedFrames).to.equal(27);
    s.q.open();
    expect(s.audio()).to.deep.equal(Array.from(pcm(27, 10)));
    expect(s.sent.map((e) => e.pcm!.length), 'coalesced into appends of at most 4 frames').to.deep.equal([4, 4, 2]);
  });

  it('holds audio while bufferedAmount is above the watermark, coalesces it when the socket drains', () => {
    const s = setup({ capacityFrames: 8, maxAppendFrames: 100, highWaterMark: 1000 });
    s.q.open();
    s.q.sendAudio(pcm(0, 2));
    s.setBuffered(5000);
    s.q.sendAudio(pcm(2, 3));
    s.q.sendAudio(pcm(5, 3));
    s.q.sendAudio(pcm(8, 3)); // 9 held in 8: frame 2 lost
    expect(s.sent).to.have.length(1);
    expect(s.drops).to.deep.equal([[1, 'congestion']]);
    s.setBuffered(0);
    s.q.sendAudio(pcm(11, 2));
    expect(s.sent.map((e) => e.pcm)).to.deep.equal([[0, 1], [3, 4, 5, 6, 7, 8, 9, 10], [11, 12]]);
  });

  it('never drops or delays a control event under congestion, and flushes held audio ahead of it', () => {
    const s = setup({ capacityFrames: 50, highWaterMark: 10 });
    s.q.open();
    s.setBuffered(1_000_000);
    s.q.sendAudio(pcm(0, 5));
    s.q.send({ type: 'commit' });
    expect(s.sent.map((e) => e.type)).to.deep.equal(['append', 'commit']);
    expect(s.audio()).to.deep.equal([0, 1, 2, 3, 4]);
    expect(s.drops).to.deep.equal([]);
  });

  it('clearAudio discards held audio without counting it as dropped; pause holds again', () => {
    const s = setup({ capacityFrames: 50 });
    s.q.sendAudio(pcm(0, 5));
    s.q.clearAudio();
    s.q.send({ type: 'clear' });
    s.q.open();
    expect(s.sent.map((e) => e.type)).to.deep.equal(['clear']);
    s.q.pause();
    s.q.sendAudio(pcm(9, 1));
    s.q.send({ type: 'x' });
    expect(s.sent).to.have.length(1);
    s.q.open();
    expect(s.sent.map((e) => e.type)).to.deep.equal(['clear', 'append', 'x']);
    expect(s.q.droppedFrames).to.equal(0);
  });
});
