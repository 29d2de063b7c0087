import { expect } from '@open-wc/testing';
import {
  parseClientEvent,
  parseServerEvent,
  type ParseError,
  type ParseIssue,
  type ParseResult,
  type ServerEvent,
} from '../../src/protocol/index.js';
import { serverEventFixtures } from './fixtures.js';

/** Calls the parser (any throw fails the test) and returns its error, failing if it accepted. */
function refused(data: unknown, parse: (d: unknown) => ParseResult<unknown> = parseServerEvent): ParseError {
  const result = parse(data);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(data)?.slice(0, 200)}`);
  expect(result.error.message).to.be.a('string').and.not.equal('');
  return result.error;
}

const issue = (error: ParseError, path: string): ParseIssue | undefined => error.issues?.find((i) => i.path === path);

const delta = serverEventFixtures['response.output_audio.delta'];

describe('parseServerEvent: malformed frames come back as typed errors, never throws', () => {
  const cases: Array<[string, unknown, ParseError['code']]> = [
    ['plain text', 'hello', 'invalid_json'],
    ['empty string', '', 'invalid_json'],
    ['truncated JSON', JSON.stringify(delta).slice(0, 40), 'invalid_json'],
    ['single quotes', "{'type':'error'}", 'invalid_json'],
    ['trailing garbage', '{"type":"error"}}', 'invalid_json'],
    ['a JSON array', '[{"type":"error"}]', 'not_an_object'],
    ['a JSON number', '42', 'not_an_object'],
    ['a JSON string', '"response.done"', 'not_an_object'],
    ['JSON null', 'null', 'not_an_object'],
    ['JSON true', 'true', 'not_an_object'],
    ['a number value', 42, 'not_an_object'],
    ['null', null, 'not_an_object'],
    ['undefined', undefined, 'not_an_object'],
    ['a boolean', false, 'not_an_object'],
    ['a function', () => ({ type: 'error' }), 'not_an_object'],
    ['an array value', [delta], 'not_an_object'],
    ['no type', '{"event_id":"e1","delta":"AAAA"}', 'missing_type'],
    ['numeric type', '{"type":5}', 'missing_type'],
    ['null type', '{"type":null}', 'missing_type'],
    ['object type', { type: { name: 'error' } }, 'missing_type'],
    ['empty type', { type: '' }, 'missing_type'],
    ['ArrayBuffer', new ArrayBuffer(8), 'binary_frame'],
    ['Uint8Array', new TextEncoder().encode(JSON.stringify(delta)), 'binary_frame'],
    ['DataView', new DataView(new ArrayBuffer(4)), 'binary_frame'],
    ['Blob', new Blob([JSON.stringify(delta)]), 'binary_frame'],
    ['__proto__ key at the top', '{"type":"error","__proto__":{"polluted":true}}', 'unsafe_key'],
    ['__proto__ key nested in a known event', `{"type":"response.done","response":{"id":"r","metadata":{"__proto__":{"x":1}}}}`, 'unsafe_key'],
    ['constructor key nested in an array', '{"type":"x.unknown","list":[{"a":{"constructor":{"prototype":{}}}}]}', 'unsafe_key'],
    ['prototype key', { type: 'error', error: { message: 'm', prototype: {} } }, 'unsafe_key'],
    ['JSON nested 10,000 deep', `{"type":"x","a":${'['.repeat(10000)}${']'.repeat(10000)}}`, 'too_large'],
  ];

  for (const [name, data, code] of cases) {
    it(`${name} -> ${code}`, () => {
      expect(refused(data).code).to.equal(code);
    });
  }

  it('a 10 MB string -> too_large, before any JSON parsing', () => {
    const big = `{"type":"response.output_audio.delta","delta":"${'A'.repeat(10 * 1024 * 1024)}"}`;
    expect(refused(big).code).to.equal('too_large');
    // The limit is adjustable for callers that expect big frames.
    const result = parseServerEvent(big, { maxLength: 11 * 1024 * 1024 });
    expect(result.ok ? 'ok' : result.error.code).to.equal('schema_mismatch'); // parsed, then missing ids
    expect(refused('{"type":"x"}'.padEnd(100, ' '), (d) => parseServerEvent(d, { maxLength: 50 })).code).to.equal('too_large');
  });

  it('response.output_audio.delta with delta: 123 -> schema_mismatch, invalid_type at "delta"', () => {
    const error = refused(JSON.stringify({ ...delta, delta: 123 }));
    expect(error.code).to.equal('schema_mismatch');
    expect(error.eventType).to.equal('response.output_audio.delta');
    expect(error.issues).to.deep.equal([{ path: 'delta', code: 'invalid_type', message: 'expected string, got number' }]);
  });

  it('error without its error object -> missing at "error"', () => {
    const error = refused('{"type":"error","event_id":"e"}');
    expect(error.code).to.equal('schema_mismatch');
    expect(error.eventType).to.equal('error');
    expect(issue(error, 'error')?.code).to.equal('missing');
  });

  it('error whose error is a string -> invalid_type', () => {
    const error = refused({ type: 'error', error: 'boom' });
    expect(issue(error, 'error')?.code).to.equal('invalid_type');
  });

  it('missing required ids are reported one by one with dotted paths', () => {
    const { response_id: _r, item_id: _i, ...rest } = delta;
    const error = refused(rest);
    expect(error.issues?.map((i) => [i.path, i.code])).to.deep.equal([
      ['response_id', 'missing'],
      ['item_id', 'missing'],
    ]);
  });

  // Live fidelity: what fails our schema inside a known event is left out, and the event still drives the state machine.
  it('a response.done whose output item has a wrong nested type keeps the response and leaves that item out', () => {
    const done = serverEventFixtures['response.done'];
    const bad = { ...done, response: { ...done.response, output: [{ ...done.response.output![1], arguments: { city: 'Paris' } }, done.response.output![0]] } };
    const result = parseServerEvent(bad);
    if (!result.ok || !result.known) throw new Error('refused');
    expect(result.event.type === 'response.done' && result.event.response.output).to.deep.equal([done.response.output![0]]);
    expect(result.raw, 'the page sees it as sent').to.deep.equal(bad);
  });

  it('an unknown status is left out; an unknown part type passes the event through unhandled, with its issue', () => {
    const done = serverEventFixtures['response.done'];
    const result = parseServerEvent({ ...done, response: { ...done.response, status: 'exploded' } });
    expect(result.ok && result.known && result.event.type === 'response.done' && [result.event.response.id, result.event.response.status]).to.deep.equal([
      done.response.id,
      undefined,
    ]);
    const part = serverEventFixtures['response.content_part.added'];
    const passed = parseServerEvent({ ...part, part: { type: 'video' } });
    if (!passed.ok || passed.known) throw new Error('expected a pass-through');
    expect(passed.event.part).to.deep.equal({ type: 'video' });
    expect(passed.issues?.find((i) => i.path === 'part.type')?.code).to.equal('invalid_value');
  });

  it('an unknown item type inside a known event passes through unhandled, with invalid_value at item.type', () => {
    const added = serverEventFixtures['conversation.item.added'];
    const passed = parseServerEvent({ ...added, item: { id: 'i', type: 'hologram' } });
    if (!passed.ok || passed.known) throw new Error('expected a pass-through');
    expect(passed.issues?.find((i) => i.path === 'item.type')?.code).to.equal('invalid_value');
  });

  it('the envelope stays required: a missing or mistyped field of the event itself is still refused', () => {
    const { response_id: _r, ...noId } = delta;
    expect(issue(refused(noId), 'response_id')?.code).to.equal('missing');
    const done = serverEventFixtures['response.done'];
    expect(issue(refused({ ...done, response: { ...done.response, id: 7 } }), 'response.id')?.code).to.equal('invalid_type');
  });

  it('an object whose getter throws -> a typed error, not an exception', () => {
    const hostile = { type: 'error' };
    Object.defineProperty(hostile, 'error', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(refused(hostile).code).to.equal('not_an_object');
    const hostileType = Object.defineProperty({}, 'type', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(refused(hostileType).code).to.equal('not_an_object');
  });

  it('a Proxy that throws on every trap -> a typed error', () => {
    const trap = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, has: trap });
    expect(refused(proxy).code).to.equal('not_an_object');
  });

  it('a cyclic object -> too_large instead of a stack overflow', () => {
    const cyclic: Record<string, unknown> = { type: 'conversation.item.added' };
    cyclic.item = cyclic;
    cyclic.again = cyclic;
    expect(refused(cyclic).code).to.equal('too_large');
  });

  it('same guarantees for parseClientEvent', () => {
    expect(refused('{"type":', parseClientEvent).code).to.equal('invalid_json');
    expect(refused(new Uint8Array(2), parseClientEvent).code).to.equal('binary_frame');
    expect(refused('{"type":"input_audio_buffer.append","audio":"AA","__proto__":{}}', parseClientEvent).code).to.equal('unsafe_key');
    expect(refused({ type: 'input_audio_buffer.append' }, parseClientEvent).issues).to.deep.equal([
      { path: 'audio', code: 'missing', message: 'required field is missing' },
    ]);
  });
});

describe('parseServerEvent: fuzzing never throws', () => {
  // Deterministic PRNG (mulberry32) so a failure reproduces.
  function rng(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const weird: unknown[] = [null, undefined, 0, -1, 1e308, NaN, '', 'x', true, [], {}, [null], { type: 1 }, '__proto__'];

  function mutate(value: unknown, random: () => number, depth = 0): unknown {
    if (value === null || typeof value !== 'object' || depth > 6) {
      return random() < 0.15 ? weird[Math.floor(random() * weird.length)] : value;
    }
    if (Array.isArray(value)) return value.map((v) => mutate(v, random, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (random() < 0.08) continue; // drop a field
      out[random() < 0.03 ? `${k}_x` : k] = mutate(v, random, depth + 1);
    }
    return out;
  }

  function checkShape(result: ParseResult<ServerEvent>): void {
    if (result.ok) {
      expect(result.event.type).to.be.a('string');
    } else {
      expect(result.error.code).to.be.oneOf([
        'invalid_json',
        'binary_frame',
        'not_an_object',
        'missing_type',
        'schema_mismatch',
        'too_large',
        'unsafe_key',
      ]);
      for (const i of result.error.issues ?? []) expect(i.code).to.be.oneOf(['unknown_key', 'missing', 'invalid_type', 'invalid_value']);
    }
  }

  it('3,000 mutated fixtures (as objects and as JSON text) all return a well-formed result', () => {
    const random = rng(20260101);
    const fixtures = Object.values(serverEventFixtures);
    let refusedCount = 0;
    for (let n = 0; n < 3000; n++) {
      const mutated = mutate(fixtures[n % fixtures.length], random);
      const asObject = parseServerEvent(mutated);
      checkShape(asObject);
      const text = JSON.stringify(mutated);
      if (text !== undefined) checkShape(parseServerEvent(text));
      if (!asObject.ok) refusedCount++;
    }
    // The mutations really do break events; this is not a test of the happy path.
    expect(refusedCount).to.be.greaterThan(500);
  });

  it('1,000 random byte strings and truncations return a well-formed result', () => {
    const random = rng(7);
    const sample = JSON.stringify(serverEventFixtures['response.done']);
    for (let n = 0; n < 1000; n++) {
      const cut = sample.slice(0, Math.floor(random() * sample.length));
      checkShape(parseServerEvent(cut));
      let noise = '';
      const len = Math.floor(random() * 64);
      for (let i = 0; i < len; i++) noise += String.fromCharCode(Math.floor(random() * 128));
      checkShape(parseServerEvent(noise));
      checkShape(parseServerEvent(`{"type":"response.done",${noise}`));
    }
  });
});
