// The socket worker in Chromium against the real mock: microphone frames that never touch the main
// thread, held before ready and sent ahead of the events queued meanwhile, held and dropped with a
// report on a congested socket (the mock stops reading); the assistant's audio
// decoded and queued into the playback port, late audio of an interrupted item refused; a worker that
// crashes, replaced at the reconnect; and the main-thread socket the client falls back to when a page
// cannot run the worker.
import { expect, waitUntil } from '@open-wc/testing';
import { RealtimeClient } from '../../src/client/client.js';
import { SocketWorker, socketWorkerSource, type FedAudio } from '../../src/client/socket-worker.js';
import { FakeClock } from './fake-clock.js';
import { socketProtocols } from '../../src/client/websocket-transport.js';
import type { PlaybackInMessage } from '../../src/audio/worklet-processors.js';
import { mock, MOCK_TOKEN_URL, MOCK_URL, run } from './mock-control.js';

const key = async (): Promise<string> => (await (await fetch(MOCK_TOKEN_URL, { method: 'POST', body: '{}' })).json()).value;
const quiet = { onDropped: () => undefined, onResumed: () => undefined, onCrash: () => undefined };

/** Opens a socket in a fresh worker; resolves once open, with what the main thread received. */
async function openWorker(options: Partial<Parameters<typeof SocketWorker.start>[0]> = {}) {
  const worker = (await SocketWorker.start({ capacityFrames: 72000, ...quiet, ...options }))!;
  expect(worker, 'the worker starts').to.not.equal(null);
  const frames: { data: string; fed?: FedAudio }[] = [];
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const transport = worker.open(MOCK_URL, socketProtocols(await key()), {
    open: () => open(),
    message: (data, fed) => frames.push({ data: data as string, fed }),
    close: () => undefined,
  });
  await opened;
  return { worker, transport, frames };
}

const frame = (value: number) => new Int16Array(480).fill(value).buffer;
/** The worker's playback port (10 s of room), and what the worker queued into it. */
function playbackPort(worker: SocketWorker) {
  const playback = worker.port('playback', 24000 * 10);
  const fed: PlaybackInMessage[] = [];
  playback.onmessage = (e) => fed.push(e.data);
  return { playback, fed };
}
/** An assistant audio delta frame of 100 ms, samples 0, 1, 2... */
const audioDelta = (response: string, item: string) =>
  JSON.stringify({
    type: 'response.output_audio.delta',
    event_id: 'e',
    response_id: response,
    item_id: item,
    output_index: 0,
    content_index: 0,
    delta: btoa(String.fromCharCode(...new Uint8Array(new Int16Array(2400).map((_, i) => i).buffer))),
  });
/** For waits on the mock's paced replies (waitUntil's default is 1 s; mocha's timeout is the real bound). */
const LONG = { timeout: 15_000 };

describe('socket worker against the mock', () => {
  const workers: SocketWorker[] = [];
  afterEach(() => workers.splice(0).forEach((w) => w.terminate()));

  it('holds microphone frames until ready, then sends them ahead of the events queued meanwhile', async () => {
    const { worker, transport } = await openWorker();
    workers.push(worker);
    const capture = worker.port('capture');
    for (let i = 1; i <= 10; i++) capture.postMessage(frame(i * 100));
    // Before ready only the session's own configuration goes out: the frames wait in the worker.
    transport.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }));
    await run('wait-for-received', { type: 'session.update' });
    expect((await mock.received()).map((e) => e.type)).to.deep.equal(['session.update']);
    worker.audio(true);
    transport.send('{"type":"input_audio_buffer.commit"}');
    await run('wait-for-received', { type: 'input_audio_buffer.commit' });
    const received = await mock.received();
    // 10 frames of 20 ms, coalesced into one append, before the commit; the loudest sample is the last frame's.
    expect(received.map((e) => e.type)).to.deep.equal(['session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit']);
    expect(received[1]).to.include({ audio_bytes: 9600, audio_peak: 1000 });
    // Once ready, each frame goes out as it comes.
    capture.postMessage(frame(7));
    await run('wait-for-received', { type: 'input_audio_buffer.append', count: 2 });
    expect((await mock.received()).at(-1)).to.include({ audio_bytes: 960, audio_peak: 7 });
  });

  it('reports the microphone audio dropped when more than 3 s wait before ready, sends the newest 3 s, then reports the flow again', async () => {
    const dropped: [number, string][] = [];
    let resumed = 0;
    const { worker, transport } = await openWorker({ onDropped: (frames, reason) => dropped.push([frames, reason]), onResumed: () => resumed++ });
    workers.push(worker);
    const capture = worker.port('capture');
    // 4 s of 20 ms frames, each holding its index: the ring keeps 3 s (72000 samples) and drops the oldest second.
    for (let i = 0; i < 200; i++) capture.postMessage(frame(i));
    await waitUntil(() => dropped.reduce((n, [f]) => n + f, 0) === 24000, 'the oldest second dropped', { timeout: 15_000 });
    expect(new Set(dropped.map(([, reason]) => reason))).to.deep.equal(new Set(['pre-connect']));
    worker.audio(true);
    transport.send('{"type":"input_audio_buffer.commit"}');
    await run('wait-for-received', { type: 'input_audio_buffer.commit' });
    const appends = (await mock.received()).filter((e) => e.type === 'input_audio_buffer.append');
    // 3 s in appends of at most 1 s, the newest frame (index 199) last.
    expect(appends.map((e) => e.audio_bytes)).to.deep.equal([48000, 48000, 48000]);
    expect(appends.at(-1)!.audio_peak).to.equal(199);
    expect(resumed, 'the flow after drops is reported once').to.equal(1);
  });

  it('a congested socket: microphone audio is held, the oldest dropped and reported, nothing lost silently; once it drains the rest goes in order and the flow is reported again', async () => {
    const dropped: [number, string][] = [];
    let resumed = 0;
    const { worker, transport } = await openWorker({ onDropped: (frames, reason) => dropped.push([frames, reason]), onResumed: () => resumed++ });
    workers.push(worker);
    worker.audio(true);
    // A congested uplink: the mock stops reading, and 8 MB of events fill the kernel's buffers (about 4 MB on loopback),
    // so the socket's bufferedAmount stays far above the 256 kB high-water mark.
    await run('pause-reading', { paused: true });
    const filler = JSON.stringify({ type: 'rv.test.filler', pad: 'x'.repeat(1 << 20) });
    for (let i = 0; i < 8; i++) transport.send(filler);
    const capture = worker.port('capture');
    // The worker hands frame buffers back in eights: that tells when it has taken them (frames and
    // events travel on different channels, so an event sent too early could overtake the frames).
    let posted = 0;
    let taken = 0;
    capture.onmessage = (e) => (taken += (e.data as ArrayBuffer[]).length);
    const post = async (n: number) => {
      for (let k = 0; k < n; k++) capture.postMessage(frame(++posted));
      await waitUntil(() => taken === posted, 'the worker took the frames', { interval: 1, timeout: 10_000 });
    };
    await post(96);
    // A control event is never dropped, and the audio captured before it goes first.
    const beforeCommit = posted;
    transport.send('{"type":"input_audio_buffer.commit"}');
    while (dropped.length === 0) {
      expect(posted, 'the ring (3 s) overflows while congested').to.be.below(1000);
      await post(8);
    }
    await post(96);
    const droppedWhileCongested = dropped.reduce((n, [f]) => n + f, 0);
    expect(droppedWhileCongested, 'at least the frames beyond 3 s').to.be.at.least((posted - beforeCommit - 150) * 480);
    await run('pause-reading', { paused: false });
    while (resumed === 0) {
      expect(posted, 'the audio flows again once the socket drains').to.be.below(20000);
      await post(8);
    }
    transport.send('{"type":"input_audio_buffer.commit"}');
    await run('wait-for-received', { type: 'input_audio_buffer.commit', count: 2 });
    const received = (await mock.received()).filter((e) => e.type !== 'rv.test.filler');
    const appends = received.filter((e) => e.type === 'input_audio_buffer.append');
    const peaks = appends.map((e) => e.audio_peak as number);
    expect(new Set(dropped.map(([, reason]) => reason))).to.deep.equal(new Set(['congestion']));
    // Every frame either reached the server or was reported dropped.
    const sent = appends.reduce((n, e) => n + (e.audio_bytes as number) / 2, 0);
    expect(sent + dropped.reduce((n, [f]) => n + f, 0), 'sent + reported dropped').to.equal(posted * 480);
    // In order, the newest frame last, and the first commit right behind the audio captured before it.
    expect(peaks.every((p, i) => i === 0 || p > peaks[i - 1]), `increasing: ${peaks.join(' ')}`).to.equal(true);
    expect(peaks.at(-1)).to.equal(posted);
    const firstCommit = received.findIndex((e) => e.type === 'input_audio_buffer.commit');
    expect(received[firstCommit - 1]).to.include({ type: 'input_audio_buffer.append', audio_peak: beforeCommit });
    expect(resumed, 'the flow after drops is reported once').to.equal(1);
  });

  it('decodes the assistant audio into the playback port, ends it in order, and refuses an interrupted item', async () => {
    const { worker, transport, frames } = await openWorker();
    workers.push(worker);
    const { playback, fed } = playbackPort(worker);
    const delta = (item: string) => audioDelta('resp_1', item);
    await run('send-raw', { text: delta('item_a') });
    await run('send-raw', { text: JSON.stringify({ type: 'response.output_audio.done', event_id: 'd', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0 }) });
    // What reached the main thread of the assistant's audio (the mock also sent session.created).
    const audio = () => frames.filter((f) => JSON.parse(f.data).type.startsWith('response.output_audio'));
    await waitUntil(() => fed.length === 2 && audio().length === 2, 'chunk and end in the playback port', { timeout: 15_000 });
    const [chunk, end] = fed as [Extract<PlaybackInMessage, { type: 'chunk' }>, Extract<PlaybackInMessage, { type: 'end' }>];
    expect(chunk.type).to.equal('chunk');
    expect([...chunk.pcm.subarray(0, 4)], 'decoded samples').to.deep.equal([0, 1, 2, 3]);
    expect(end).to.deep.equal({ type: 'end', item: chunk.item });
    // The main thread still gets the event (its parser reads it), told what the worker did with the audio.
    expect(audio()[0]!.fed).to.deep.equal({ handle: chunk.item, samples: 2400 });
    expect(JSON.parse(audio()[0]!.data).type).to.equal('response.output_audio.delta');

    // The worklet reports an interrupt: later audio of every item the worker knew is dropped, not queued.
    await run('send-raw', { text: delta('item_b') });
    await waitUntil(() => fed.length === 3, 'the second item queued', { timeout: 15_000 });
    const reports: unknown[] = [];
    worker.playback = { route: () => undefined, receive: (report) => reports.push(report) };
    playback.postMessage({ type: 'interrupted', token: 1, item: (fed[2] as { item: number }).item, rendered: 100, gone: 2500 });
    await waitUntil(() => reports.length === 1, 'the worker passed the report on (so it has handled it)', { timeout: 15_000 });
    await run('send-raw', { text: delta('item_b') });
    await waitUntil(() => audio().length === 4, 'the late delta arrives', { timeout: 15_000 });
    expect(audio()[3]!.fed).to.deep.equal({ dropped: true });
    expect(fed.length).to.equal(3);
    transport.close();
  });

  it('refuses the audio of an out-of-band response by itself, before the main thread could say so', async () => {
    const { worker, transport, frames } = await openWorker();
    workers.push(worker);
    const { fed } = playbackPort(worker);
    const created = (id: string, conversation: string | null) =>
      JSON.stringify({ type: 'response.created', event_id: 'c', response: { id, object: 'realtime.response', status: 'in_progress', output: [], conversation_id: conversation } });
    // Nobody calls worker.drop(): the worker alone must know that conversation_id null never plays.
    await run('send-raw', { text: created('resp_oob', null) });
    await run('send-raw', { text: audioDelta('resp_oob', 'item_oob') });
    await run('send-raw', { text: created('resp_turn', 'conv_1') });
    await run('send-raw', { text: audioDelta('resp_turn', 'item_turn') });
    const audio = () => frames.filter((f) => JSON.parse(f.data).type === 'response.output_audio.delta');
    await waitUntil(() => audio().length === 2 && fed.length === 1, 'both deltas handled', { timeout: 15_000 });
    expect(audio()[0]!.fed, 'the background answer is not queued').to.deep.equal({ dropped: true });
    expect(audio()[1]!.fed).to.deep.equal({ handle: (fed[0] as { item: number }).item, samples: 2400 });
    transport.close();
  });

  it('a socket worker that crashes: the session is reported lost rather than left hanging, and the client reconnects in a new worker with the transcript', async () => {
    const made: Worker[] = [];
    const source = URL.createObjectURL(new Blob([socketWorkerSource()], { type: 'text/javascript' }));
    const clock = new FakeClock(Date.now());
    const client = new RealtimeClient({
      tokenUrl: MOCK_TOKEN_URL,
      clock,
      reconnect: { maxAttempts: 3, baseMs: 200, random: () => 0 },
      socketWorker: () => {
        const worker = new Worker(source);
        made.push(worker);
        return worker;
      },
    });
    const errors: { code: string; fatal: boolean }[] = [];
    client.on('error', (e) => errors.push({ code: e.code, fatal: e.fatal }));
    try {
      await client.connect();
      client.sendText('hello');
      await waitUntil(() => client.conversation.items.at(-1)?.text === 'You wrote: hello', 'the first reply', LONG);
      // A bug in the worker: an uncaught exception there (a capture route without a port).
      made[0]!.postMessage({ t: 'capture', port: null });
      await waitUntil(() => client.state === 'reconnecting', 'the crash reported as a lost connection', LONG);
      expect(errors).to.deep.equal([{ code: 'connection_lost', fatal: false }]);
      clock.advance(200);
      await waitUntil(() => client.state === 'ready', 'reconnected', LONG);
      expect(made.length, 'a new worker').to.equal(2);
      client.sendText('still there?');
      await waitUntil(() => client.conversation.items.at(-1)?.text === 'You wrote: still there?', 'a reply through the new worker', LONG);
      expect(client.conversation.items.map((i) => i.text)).to.deep.equal(['hello', 'You wrote: hello', 'still there?', 'You wrote: still there?']);
    } finally {
      client.disconnect();
      made.forEach((w) => w.terminate());
      URL.revokeObjectURL(source);
    }
  });

  it('a page that cannot run the worker keeps the socket on the main thread, and the session works', async () => {
    let tried = 0;
    const client = new RealtimeClient({
      tokenUrl: MOCK_TOKEN_URL,
      socketWorker: () => {
        tried++;
        throw new DOMException('refused by the Content-Security-Policy (injected)', 'SecurityError');
      },
    });
    const appends: string[] = [];
    client.on('client-event', (e) => e.type === 'input_audio_buffer.append' && appends.push(e.type));
    await client.connect();
    expect(tried).to.equal(1);
    client.appendAudio(new Int16Array(480).fill(500));
    await run('wait-for-received', { type: 'input_audio_buffer.append' });
    expect(appends, 'sent from the main thread').to.deep.equal(['input_audio_buffer.append']);
    client.disconnect();
  });
});
