// Soak: a 60-minute conversation at an accelerated pace through the whole element and the mock, over a
// real socket: 300 turns (one every 12 s of a real hour), each reply streamed with its voice into the
// playback worklet and cut by the next turn (barge-in, truncation), the microphone open (muted, so
// silence frames flow the whole time), then the 60-minute limit and the rollover. The JS heap and the
// DOM must stay bounded, and the transcript and its export must keep every line.
import { expect } from '@open-wc/testing';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { mock, mount, renderedLines, textTurn, useHarness, Watch } from './harness.js';

const TURNS = 300;
const SIMULATED_MINUTES = 60;
const MAX_MESSAGES = 200;

interface MemoryInfo {
  usedJSHeapSize: number;
}

const heapMb = () => (performance as Performance & { memory: MemoryInfo }).memory.usedJSHeapSize / 1048576;

/** Resolves when `test` holds, checked on every `type` event of `el` (no polling, no sleeps). */
function when(el: RealtimeVoice, type: 'rv-transcript' | 'rv-state', test: () => boolean, what: string, timeout = 20000): Promise<void> {
  if (test()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      el.removeEventListener(type, check);
      reject(new Error(`soak: no ${what} within ${timeout} ms (state ${el.state}; last lines ${JSON.stringify(el.transcript.slice(-3))})`));
    }, timeout);
    const check = () => {
      if (!test()) return;
      clearTimeout(timer);
      el.removeEventListener(type, check);
      resolve();
    };
    el.addEventListener(type, check);
  });
}

describe('soak: a 60-minute session at an accelerated pace', () => {
  useHarness();

  it(`soak. ${TURNS} turns with voice, barge-ins and a rollover: heap and DOM bounded, transcript and export complete`, async function () {
    this.timeout(240000);
    const el = await mount({ muted: '', 'max-messages': String(MAX_MESSAGES) });
    const errors: string[] = [];
    el.addEventListener('rv-error', (e) => errors.push(`${e.detail.code}: ${e.detail.message}`));
    // Counted, not kept: a recorder that held every wire event would itself grow the heap.
    const wire = { audioBytes: 0, appends: 0, truncates: 0 };
    el.addEventListener('rv-server-event', (e) => {
      if (e.detail.type === 'response.output_audio.delta') wire.audioBytes += ((e.detail.delta as string).length * 3) / 4;
    });
    el.addEventListener('rv-client-event', (e) => {
      if (e.detail.type === 'input_audio_buffer.append') wire.appends++;
      else if (e.detail.type === 'conversation.item.truncate') wire.truncates++;
    });

    await el.connect();
    const started = performance.now();
    const samples: { minute: number; heap: number; nodes: number }[] = [];
    const shadowNodes = () => el.shadowRoot!.querySelectorAll('*').length;
    for (let turn = 1; turn <= TURNS; turn++) {
      const text = `Question ${turn}: what do you know about item ${turn} of the shop catalogue, and its price?`;
      const reply = `You wrote: ${text}`;
      await el.sendText(text); // the reply still playing is cut: a barge-in, then a truncate
      await when(el, 'rv-transcript', () => el.transcript.some((e) => e.role === 'assistant' && e.final && e.text === reply), `reply ${turn}`);
      await el.updateComplete;
      samples.push({ minute: (turn * SIMULATED_MINUTES) / TURNS, heap: heapMb(), nodes: shadowNodes() });
    }
    const wallSeconds = (performance.now() - started) / 1000;

    // The hour is up: the server ends the session, the element rolls over and re-seeds the history.
    const connections = (await mock.connections()).length;
    const reasons: string[] = [];
    el.addEventListener('rv-state', (e) => reasons.push(e.detail.reason));
    await mock.expire();
    await when(el, 'rv-state', () => reasons.includes('rolled_over'), 'the rollover');
    const seeds = (await mock.received()).filter((e) => e.type === 'conversation.item.create').length;
    expect((await mock.connections()).length).to.equal(connections + 1);

    // Every user line is in the transcript and its export, in order, although the client state kept only 500 items.
    const users = el.transcript.filter((e) => e.role === 'user').map((e) => e.text);
    expect(users).to.have.length(TURNS);
    expect(users.at(0)).to.match(/^Question 1:/);
    expect(users.at(-1)).to.match(new RegExp(`^Question ${TURNS}:`));
    const exported = el.exportTranscript('text').split('\n');
    expect(exported).to.have.length(el.transcript.length);
    expect(exported.filter((l) => l.startsWith('You: Question '))).to.have.length(TURNS);
    expect(JSON.parse(el.exportTranscript('json'))).to.have.length(el.transcript.length);

    // The DOM holds the newest 200 lines, and stops growing once it does.
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('[part~="message"]')).to.have.length(MAX_MESSAGES);
    const capped = samples.find((s) => s.minute >= 30)!.nodes;
    expect(samples.at(-1)!.nodes, 'shadow DOM elements at minute 60 vs minute 30').to.equal(capped);

    // Heap: the floor (lowest reading, i.e. after a collection) of each ten-minute window.
    const floor = (from: number, to: number) => Math.min(...samples.filter((s) => s.minute > from && s.minute <= to).map((s) => s.heap));
    const floors = [10, 20, 30, 40, 50, 60].map((m) => floor(m - 10, m));
    const growth = floors.at(-1)! - floors[0]!;
    const report = {
      turns: TURNS,
      wallSeconds: Number(wallSeconds.toFixed(1)),
      assistantAudioMinutes: Number((wire.audioBytes / 48000 / 60).toFixed(1)),
      assistantAudioMb: Number((wire.audioBytes / 1048576).toFixed(1)),
      microphoneAppends: wire.appends,
      truncates: wire.truncates,
      transcriptLines: el.transcript.length,
      renderedLines: MAX_MESSAGES,
      shadowDomElements: { minute6: samples.find((s) => s.minute >= 6)!.nodes, minute30: capped, minute60: samples.at(-1)!.nodes },
      heapFloorMb: Object.fromEntries(floors.map((f, i) => [`minutes ${i * 10}-${i * 10 + 10}`, Number(f.toFixed(2))])),
      heapGrowthMb: Number(growth.toFixed(2)),
      reseededItems: seeds,
    };
    console.log(`realtime-voice soak: ${JSON.stringify(report)}`);
    expect(wire.truncates, 'the turns cut the playing replies').to.be.greaterThan(TURNS / 2);
    expect(growth, `heap floor grew ${growth.toFixed(2)} MB from the first ten minutes to the last`).to.be.below(4);
    expect(errors).to.deep.equal([]);
  });

  it('max-messages bounds the lines on screen (0: all); rv-transcript listeners already read their line from transcript', async () => {
    const el = await mount({ output: 'text', 'max-messages': '3' });
    const w = new Watch(el);
    const stale: string[] = [];
    el.addEventListener('rv-transcript', (e) => {
      if (!el.transcript.some((t) => t.itemId === e.detail.itemId && t.text === e.detail.text && t.final === e.detail.final)) stale.push(e.detail.text);
      if (!el.exportTranscript().includes(e.detail.text)) stale.push(`export: ${e.detail.text}`);
    });
    for (const text of ['one', 'two', 'three']) await textTurn(el, w, text);
    await el.updateComplete;
    expect(renderedLines(el)).to.deep.equal(['You wrote: two', 'three', 'You wrote: three']);
    expect(el.transcript).to.have.length(6);
    expect(el.exportTranscript().split('\n')).to.have.length(6);
    el.maxMessages = 0;
    await el.updateComplete;
    expect(renderedLines(el)).to.have.length(6);
    expect(stale).to.deep.equal([]);
  });
});
