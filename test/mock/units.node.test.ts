// The mock's pure parts: the energy VAD, the stand-in voice and G.711, the function-call rule and
// schema examples, the manual clock, and the GA error helpers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/mock/clock.js';
import { gaParam, issueError } from '../../src/mock/errors.js';
import { redactKey } from '../../src/mock/keys.js';
import { standInTranscript } from '../../src/mock/session.js';
import { exampleFor, pickTool, toolArguments } from '../../src/mock/tool-rule.js';
import { EnergyVad, speechLevel } from '../../src/mock/vad.js';
import { alawToLinear, decodeAudio, encodeAudio, linearToAlaw, linearToMulaw, mulawToLinear, planVoice, renderVoice, voicePitch } from '../../src/mock/voice.js';
import { concat, silence, tone } from './helpers.js';

describe('EnergyVad', () => {
  const params = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 };

  it('maps threshold to a level in dBFS: 0 -> -60, 0.5 -> -30, 1 -> 0', () => {
    assert.ok(Math.abs(speechLevel(0) - 0.001) < 1e-12);
    assert.ok(Math.abs(speechLevel(0.5) - 0.0316227766) < 1e-9);
    assert.equal(speechLevel(1), 1);
  });

  it('reports onset (padded) and end on the sample timeline, whatever the chunking', () => {
    const audio = concat(silence(500), tone(1000), silence(700));
    for (const chunk of [1, 480, 7000, audio.length]) {
      const vad = new EnergyVad(24000, params);
      const events = [];
      for (let i = 0; i < audio.length; i += chunk) events.push(...vad.push(audio.subarray(i, i + chunk)));
      assert.deepEqual(events, [
        { kind: 'speech_started', startSample: 4800, onsetSample: 12000 },
        { kind: 'speech_stopped', endSample: 48000, lastSpeechSample: 36000 },
      ], `chunks of ${chunk}`);
      assert.equal(vad.position, audio.length);
      assert.equal(vad.bufferStart, 48000, 'the stop commits the buffer up to the end of the turn');
      assert.equal(vad.bufferedSamples, audio.length - 48000);
    }
  });

  it('never reaches back before the buffer start, and detects nothing while disabled', () => {
    const vad = new EnergyVad(24000, params);
    vad.push(silence(100));
    vad.resetBuffer();
    const [started] = vad.push(tone(100));
    assert.deepEqual(started, { kind: 'speech_started', startSample: 2400, onsetSample: 2400 });
    const off = new EnergyVad(24000, params);
    off.enabled = false;
    assert.deepEqual(off.push(concat(tone(500), silence(1000))), []);
    assert.equal(off.position, 36000);
  });
});

describe('the stand-in voice', () => {
  it('lays out the transcript as words with leading spaces, syllables of ~110 ms and pauses', () => {
    const plan = planVoice('Hello, world', 'alloy', 1, 24000);
    assert.deepEqual(plan.words.map((w) => w.text), ['Hello,', ' world']);
    assert.deepEqual(plan.words.map((w) => w.startSample), [0, 2 * 2640 + 1200 + 3600]);
    assert.equal(plan.totalSamples, 2 * 2640 + 1200 + 3600 + 2 * 2640 + 1200);
    assert.equal(planVoice('Hello, world', 'alloy', 2, 24000).totalSamples, plan.totalSamples / 2, 'speed shortens it');
    assert.equal(planVoice(' padded ', 'alloy', 1, 24000).words.map((w) => w.text).join(''), ' padded ');
  });

  it('renders the same samples however it is sliced, and pitches voices apart', () => {
    const plan = planVoice('one two three', 'marin', 1, 24000);
    const whole = renderVoice(plan, 0, plan.totalSamples);
    const parts = concat(renderVoice(plan, 0, 1000), renderVoice(plan, 1000, 5000), renderVoice(plan, 6000, plan.totalSamples - 6000));
    assert.deepEqual(parts, whole);
    assert.ok(whole.some((s) => Math.abs(s) > 3000), 'audible');
    assert.notEqual(voicePitch('ash'), voicePitch('shimmer'));
    assert.equal(voicePitch('voice_custom_1'), voicePitch('voice_custom_1'));
    assert.ok(voicePitch('voice_custom_1') >= 110 && voicePitch('voice_custom_1') < 240);
  });

  it('round-trips G.711 μ-law and A-law within their quantisation step', () => {
    for (const [encode, decode] of [[linearToMulaw, mulawToLinear], [linearToAlaw, alawToLinear]] as const) {
      for (const s of [0, 1, -1, 100, -100, 1000, -1000, 12345, -12345, 32767, -32768]) {
        const back = decode(encode(s));
        assert.ok(Math.abs(back - s) <= Math.max(16, Math.abs(s) / 16), `${s} -> ${back}`);
      }
    }
    const pcm = tone(20);
    assert.deepEqual(decodeAudio(encodeAudio(pcm, 'audio/pcm'), 'audio/pcm'), pcm);
    assert.equal(encodeAudio(pcm, 'audio/pcmu').length, pcm.length);
  });

  it('writes the stand-in transcript of a turn from its speech duration', () => {
    assert.equal(standInTranscript(1849), '(1.8 s of speech)');
    assert.equal(standInTranscript(0), '(0.0 s of speech)');
  });
});

describe('the function-call rule', () => {
  const tools = [
    { type: 'function' as const, name: 'get_weather' },
    { type: 'function' as const, name: 'get.time' },
  ];

  it('picks a named tool as a whole word, honouring tool_choice', () => {
    assert.equal(pickTool(tools, 'auto', 'please get_weather now')?.name, 'get_weather');
    assert.equal(pickTool(tools, 'auto', 'GET_WEATHER')?.name, 'get_weather');
    assert.equal(pickTool(tools, 'auto', 'my_get_weather'), undefined);
    assert.equal(pickTool(tools, 'auto', 'get-time'), undefined, 'regex characters in names are literal');
    assert.equal(pickTool(tools, 'auto', 'call get.time')?.name, 'get.time');
    assert.equal(pickTool(tools, 'none', 'get_weather'), undefined);
    assert.equal(pickTool(tools, 'required', 'nothing named')?.name, 'get_weather');
    assert.equal(pickTool(tools, 'required', undefined)?.name, 'get_weather', 'an audio turn too');
    assert.equal(pickTool(tools, { type: 'function', name: 'get.time' }, 'get_weather')?.name, 'get.time');
    assert.equal(pickTool([], 'required', 'x'), undefined);
  });

  it('builds values valid for the schema: const, default, examples, enum, then type-appropriate', () => {
    assert.equal(exampleFor({ const: 7 }), 7);
    assert.equal(exampleFor({ type: 'string', default: 'd' }), 'd');
    assert.equal(exampleFor({ type: 'string', examples: ['e'] }), 'e');
    assert.equal(exampleFor({ type: 'string', enum: ['a', 'b'] }), 'a');
    assert.equal(exampleFor({ type: 'string', format: 'email' }), 'user@example.com');
    assert.equal(exampleFor({ type: 'string', minLength: 10 }), 'examplexxx');
    assert.equal(exampleFor({ type: 'string', maxLength: 3 }), 'exa');
    assert.equal(exampleFor({ type: 'number' }), 1);
    assert.equal(exampleFor({ type: 'number', minimum: 2.5 }), 2.5);
    assert.equal(exampleFor({ type: 'integer', exclusiveMinimum: 3 }), 4);
    assert.equal(exampleFor({ type: 'integer', maximum: 0 }), 0);
    assert.equal(exampleFor({ type: 'boolean' }), true);
    assert.equal(exampleFor({ type: ['null', 'string'] }), 'example');
    assert.deepEqual(exampleFor({ type: 'array', items: { type: 'integer' }, minItems: 2 }), [1, 1]);
    assert.deepEqual(exampleFor({ anyOf: [{ type: 'boolean' }, { type: 'string' }] }), true);
    assert.deepEqual(exampleFor({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'object', properties: { c: { type: 'integer' } }, required: ['c'] } }, required: ['b'] }), { b: { c: 1 } });
  });

  it('serialises the arguments of a tool (required properties only; {} without parameters)', () => {
    assert.equal(toolArguments({ type: 'function', name: 'x' }), '{}');
    assert.equal(toolArguments({ type: 'function', name: 'x', parameters: { type: 'object', properties: { q: { type: 'string' }, opt: { type: 'number' } }, required: ['q'] } }), '{"q":"example"}');
  });
});

describe('ManualClock', () => {
  it('runs due timers in time order when advanced, including timers they add', () => {
    const clock = new ManualClock(1000);
    const log: string[] = [];
    clock.setTimeout(() => log.push('b@30'), 30);
    clock.setTimeout(() => {
      log.push('a@10');
      clock.setTimeout(() => log.push('c@15'), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => log.push('never'), 20);
    clock.clearTimeout(cancelled);
    clock.advance(20);
    assert.deepEqual(log, ['a@10', 'c@15']);
    assert.equal(clock.now(), 1020);
    assert.equal(clock.pending, 1);
    clock.advance(10);
    assert.deepEqual(log, ['a@10', 'c@15', 'b@30']);
  });
});

describe('GA error helpers', () => {
  it('spells array positions in brackets and maps each issue code to its GA code', () => {
    assert.equal(gaParam('session.tools.0.parameters'), 'session.tools[0].parameters');
    assert.equal(gaParam('item.content.12'), 'item.content[12]');
    assert.deepEqual(issueError({ path: 'session.x', code: 'unknown_key', message: 'unknown key "x"' }, 'e'), {
      type: 'invalid_request_error', code: 'unknown_parameter', message: "Unknown parameter: 'session.x'.", param: 'session.x', event_id: 'e',
    });
  });

  it('redacts keys in messages', () => {
    assert.equal(redactKey('sk-abcdefghijklmnop'), 'sk-abc*********mnop');
    assert.equal(redactKey('short'), 'sho***');
  });
});
