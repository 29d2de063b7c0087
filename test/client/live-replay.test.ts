// Replays a voice turn recorded from the live GA service through the element, frame by frame, and
// checks what a user sees. The frames are real: pydantic/pydantic-ai
// tests/realtime/cassettes/test_openai_ws/test_audio_in_server_vad_turn.yaml at commit
// 4fda38988f2939fa6ea9cdefcf120693e10ef491 ("Recorded once against the live API"; gpt-realtime,
// 2026-07-28), converted to JSON lines in test/fixtures/live/gpt-realtime-vad-turn.jsonl. Their audio
// was cut to 32 bytes by the recorder, so each audio delta is given 100 ms of synthesized tone here.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { pcm16ToBase64 } from '../../src/protocol/index.js';
import { record, reach } from '../element/helpers.js';
import { FakeSocket } from './fake-socket.js';

type Frame = { type: string; [k: string]: any };

const CLIENT_TYPES = new Set(['session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'conversation.item.create', 'response.create', 'response.cancel']);

async function recorded(): Promise<Frame[]> {
  const text = await (await fetch('/test/fixtures/live/gpt-realtime-vad-turn.jsonl')).text();
  return text.trim().split('\n').map((line) => JSON.parse(line) as Frame);
}

/** 100 ms of a 440 Hz tone at 24 kHz, as base64 PCM16. */
function tone(): string {
  const pcm = new Int16Array(2400);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24000));
  return pcm16ToBase64(pcm);
}

describe('a voice turn recorded from the live service, replayed through the element', () => {
  it('shows the user line, then the assistant line, with the states a user sees', async () => {
    const frames = await recorded();
    const server = frames.filter((f) => !CLIENT_TYPES.has(f.type));
    expect(server.length, 'the fixture holds the server side of a whole turn').to.be.greaterThan(60);
    const sockets: FakeSocket[] = [];
    const fetchToken = (async () => new Response(JSON.stringify({ value: 'ek_replay', expires_at: Math.floor(Date.now() / 1000) + 600 }))) as typeof fetch;
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url="/token"></realtime-voice>`);
    el.platform = {
      fetch: fetchToken,
      createWebSocket: (url, protocols) => {
        const s = new FakeSocket(url, protocols);
        sockets.push(s);
        return s;
      },
    };
    const log = record(el);
    const connected = el.connect();
    await waitUntil(() => sockets.length === 1, 'the element opens a socket');
    const socket = sockets[0]!;
    socket.open();
    const [created, updated, ...turn] = server;
    expect([created!.type, updated!.type]).to.deep.equal(['session.created', 'session.updated']);
    socket.receive(created!);
    // The recorded session transcribes nothing: the element turns transcription on for its transcript, and nothing else.
    const update = socket.sent.find((e) => e.type === 'session.update')!;
    expect(update.session).to.deep.equal({ type: 'realtime', audio: { input: { transcription: { model: 'gpt-live-transcribe' } } } });
    socket.receive(updated!);
    await connected;
    await reach(el, 'listening');
    const audio = tone();
    for (const frame of turn) socket.receive(frame.type === 'response.output_audio.delta' ? { ...frame, delta: audio } : frame);
    await reach(el, 'speaking');
    await reach(el, 'listening');

    const lines = el.transcript.map((e) => [e.role, e.text, e.final]);
    expect(lines).to.deep.equal([
      ['user', 'Hello, my name is Marcelo.', true],
      ['assistant', 'Hello, Marcelo! Great to meet you. How can I help you today?', true],
    ]);
    const states = log.states();
    const order = ['connecting', 'listening', 'thinking', 'speaking', 'listening'];
    let at = 0;
    for (const s of states) if (s === order[at]) at++;
    expect(at, `states seen: ${states.join(' ')}`).to.equal(order.length);
    expect(log.of('rv-error').map((e) => e.detail.code), 'every live frame was understood').to.deep.equal([]);
    // Nothing the live server sent waited on us: the only requests were the handshake's (VAD answers by itself).
    expect(socket.types().filter((t) => t !== 'input_audio_buffer.append')).to.deep.equal(['session.update']);
    el.disconnect();
    log.stop();
  });
});
