// RealtimeClient with `transport: 'webrtc'` in Chromium (fake microphone) against the mock's WebRTC
// endpoint: a voice turn with the voice measured on the remote stream, refusals read from the SDP
// answer's JSON error body, a retried server fault, and a reconnect after the mock drops the call.
import { expect } from '@open-wc/testing';
import { RealtimeClient, type RealtimeClientEventMap, type RealtimeClientOptions } from '../../src/client/client.js';
import { callsUrl } from '../../src/client/webrtc-transport.js';
import { until as untilSpins } from '../client/fake-socket.js';
import { mock, MOCK_TOKEN_URL, run } from '../client/mock-control.js';
import { soundOn } from './sound.js';

const until = (cond: () => boolean, what?: string) => untilSpins(cond, what, 200_000);

const clients: RealtimeClient[] = [];
const streams: MediaStream[] = [];

function make(extra: Partial<RealtimeClientOptions> = {}) {
  const client = new RealtimeClient({ tokenUrl: MOCK_TOKEN_URL, transport: 'webrtc', ...extra });
  clients.push(client);
  const log = { state: [], error: [], 'remote-stream': [], 'output-audio': [], metrics: [] } as unknown as {
    [K in 'state' | 'error' | 'remote-stream' | 'output-audio' | 'metrics']: RealtimeClientEventMap[K][];
  };
  for (const type of Object.keys(log) as (keyof typeof log)[]) client.on(type, (d: any) => (log[type] as any[]).push(d));
  return { client, log };
}

async function microphone(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  streams.push(stream);
  return stream.getAudioTracks()[0]!;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  for (const s of streams.splice(0)) for (const t of s.getTracks()) t.stop();
  await mock.reset();
});

describe('WebRTC transport: the SDP URL', () => {
  it('derives <url>/calls over http(s) from the realtime URL, keeping the query', () => {
    expect(callsUrl('wss://api.openai.com/v1/realtime')).to.equal('https://api.openai.com/v1/realtime/calls');
    expect(callsUrl('ws://127.0.0.1:8787/v1/realtime?model=gpt-realtime')).to.equal('http://127.0.0.1:8787/v1/realtime/calls?model=gpt-realtime');
    expect(callsUrl('https://example.test/v1/realtime/calls')).to.equal('https://example.test/v1/realtime/calls');
  });
});

describe('RealtimeClient over WebRTC against the mock', () => {
  it('a voice turn: the microphone goes as media (no appends), events over the data channel, the voice is heard on the remote stream', async () => {
    const { client, log } = make({ session: { audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } } });
    client.setInputTrack(await microphone());
    await client.connect();
    expect(client.transport).to.equal('webrtc');
    const received = await run<{ type: string; session?: any }[]>('received', {});
    const update = received!.find((e) => e.type === 'session.update')!;
    expect(update.session.audio?.input?.format, 'no PCM format over WebRTC').to.equal(undefined);
    await until(() => log['remote-stream'].length === 1, 'the remote stream');
    // The fake microphone says its sentence; the mock's VAD hears it through Opus and answers.
    await until(() => client.conversation.items.some((i) => i.role === 'user' && /s of speech/.test(i.text)), 'the user transcript');
    await until(() => log['output-audio'].some((e) => e.playing), 'output_audio_buffer.started');
    const rms = await soundOn(log['remote-stream'][0]!.stream);
    expect(rms).to.be.above(0.01);
    const assistant = client.conversation.items.find((i) => i.role === 'assistant');
    expect(assistant?.text).to.match(/^You said: \(\d\.\d s of speech\)/);
    expect(log.metrics.some((m) => typeof m.firstAudioMs === 'number'), 'firstAudioMs from the output buffer').to.equal(true);
    const all = await run<{ type: string }[]>('received', {});
    expect(all!.filter((e) => e.type === 'input_audio_buffer.append')).to.have.length(0);
  });

  it('an unknown key: the JSON error body of the SDP answer closes the client with authentication', async () => {
    const { client, log } = make({ getToken: async () => ({ value: 'ek_unknown_key_0000', expires_at: Math.floor(Date.now() / 1000) + 600, url: (await (await fetch(MOCK_TOKEN_URL, { method: 'POST', body: '{}' })).json()).url }) });
    let failure: unknown;
    await client.connect().catch((e) => (failure = e));
    expect((failure as { code?: string }).code).to.equal('authentication');
    expect(client.stateReason).to.equal('authentication');
    const fatal = log.error.find((e) => e.fatal)!;
    expect(fatal.message).to.match(/Incorrect API key provided/);
    expect(fatal.server?.code).to.equal('invalid_api_key');
  });

  it('a 500 from /calls is retried with a fresh token and then connects', async () => {
    await mock.httpFault({ path: '/v1/realtime/calls', status: 500 });
    const { client, log } = make({ reconnect: { maxAttempts: 3, baseMs: 10, maxMs: 20 } });
    await client.connect();
    expect(client.state).to.equal('ready');
    const retried = log.error.find((e) => e.code === 'connect_failed')!;
    expect(retried.fatal).to.equal(false);
    expect(retried.message).to.match(/HTTP 500/);
  });

  it('rolls over to a new call when the session hits its time limit, with no error shown', async () => {
    const { client, log } = make();
    await client.connect();
    client.sendText('Hello');
    await until(() => client.conversation.items.some((i) => i.role === 'assistant' && i.status === 'completed'), 'the reply');
    await mock.expire();
    await until(() => client.state === 'ready' && client.stateReason === 'rolled_over', 'rolled over');
    expect(log.error.filter((e) => e.fatal)).to.deep.equal([]);
    expect(log['remote-stream'].length).to.equal(2);
    expect(await mock.connectionCount()).to.equal(2);
  });

  it('reconnects after the mock drops the call, replays the conversation text, and sends the microphone again', async () => {
    const { client, log } = make();
    client.setInputTrack(await microphone());
    await client.connect();
    client.sendText('Remember the word pelican.');
    await until(() => client.conversation.items.some((i) => i.role === 'assistant' && i.status === 'completed'), 'the first reply');
    const before = await mock.connectionCount();
    await run('drop', { code: 1006 });
    await until(() => log.state.some((s) => s.state === 'reconnecting'), 'reconnecting');
    await until(() => client.state === 'ready' && client.stateReason === 'reconnected', 'reconnected');
    expect(await mock.connectionCount()).to.equal(before + 1);
    const received = await run<{ type: string; item?: any }[]>('received', {});
    const replayed = received!.filter((e) => e.type === 'conversation.item.create').map((e) => e.item.content[0].text);
    expect(replayed).to.include('Remember the word pelican.');
    expect(log['remote-stream'].length).to.equal(2);
    // The microphone flows on the new call: the mock's VAD hears the fake microphone again.
    const started = await run<{ type: string }>('wait-for-sent', { type: 'input_audio_buffer.speech_started' });
    expect(started!.type).to.equal('input_audio_buffer.speech_started');
  });
});
