// Node 20 has no Uint8Array.prototype.toBase64, so this exercises the Buffer path the mock server uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64ToPcm16, decodeBase64, encodeBase64, pcm16ToBase64 } from '../../src/protocol/base64.js';
import { parseClientEvent } from '../../src/protocol/index.js';

test('Buffer path: known vectors and padding', () => {
  for (const [plain, b64] of [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foobar', 'Zm9vYmFy']]) {
    assert.equal(encodeBase64(new TextEncoder().encode(plain)), b64);
    assert.equal(new TextDecoder().decode(decodeBase64(b64)), plain);
  }
  assert.equal(new TextDecoder().decode(decodeBase64('Zm8')), 'fo', 'padding is optional');
});

test('Buffer path: decoded bytes never share Node’s buffer pool', () => {
  const out = decodeBase64('AAD/fwCAAQA=');
  assert.equal(out.byteOffset, 0);
  assert.equal(out.buffer.byteLength, 8);
  assert.deepEqual([...base64ToPcm16('AAD/fwCAAQA=')], [0, 32767, -32768, 1]);
});

test('Buffer path: refuses characters outside the alphabet instead of skipping them', () => {
  assert.throws(() => decodeBase64('ab$c'), SyntaxError);
  assert.throws(() => decodeBase64('A'), SyntaxError);
  assert.deepEqual([...decodeBase64('Zm9v\nYmFy')], [...new TextEncoder().encode('foobar')]);
});

test('Buffer path: 1 MB of PCM16 round-trips, little-endian on the wire', () => {
  const pcm = new Int16Array(512 * 1024);
  for (let i = 0; i < pcm.length; i++) pcm[i] = ((i * 7919) % 65536) - 32768;
  const b64 = pcm16ToBase64(pcm);
  assert.deepEqual(base64ToPcm16(b64), pcm);
  const raw = Buffer.from(b64, 'base64');
  assert.equal(raw.readInt16LE(2), pcm[1]);
});

test('the parser runs under Node too (the mock server validates what clients send)', () => {
  const result = parseClientEvent('{"type":"input_audio_buffer.append","audio":"AAD/fwCAAQA="}');
  const event = { type: 'input_audio_buffer.append', audio: 'AAD/fwCAAQA=' };
  assert.deepEqual(result, { ok: true, known: true, event, raw: event });
});
