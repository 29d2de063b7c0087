import { expect } from '@open-wc/testing';
import {
  base64ToPcm16,
  decodeBase64,
  decodeBase64Portable,
  encodeBase64,
  encodeBase64Portable,
  pcm16ToBase64,
} from '../../src/protocol/index.js';
import { AUDIO_B64 } from './fixtures.js';

/** Deterministic bytes, so a failure reproduces. */
function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const implementations = [
  ['default (native where present)', encodeBase64, decodeBase64],
  ['portable btoa/atob fallback', encodeBase64Portable, decodeBase64Portable],
] as const;

describe('base64', () => {
  for (const [name, encode, decode] of implementations) {
    describe(name, () => {
      it('matches known vectors (RFC 4648 §10)', () => {
        const vectors: Array<[string, string]> = [
          ['', ''],
          ['f', 'Zg=='],
          ['fo', 'Zm8='],
          ['foo', 'Zm9v'],
          ['foob', 'Zm9vYg=='],
          ['fooba', 'Zm9vYmE='],
          ['foobar', 'Zm9vYmFy'],
        ];
        for (const [plain, b64] of vectors) {
          expect(encode(new TextEncoder().encode(plain))).to.equal(b64);
          expect(new TextDecoder().decode(decode(b64))).to.equal(plain);
        }
        expect(encode(new Uint8Array([0xfb, 0xff, 0xfe]))).to.equal('+//+');
      });

      it('round-trips every length from 0 to 70 (all padding cases)', () => {
        for (let n = 0; n <= 70; n++) {
          const data = bytes(n, n + 1);
          expect(decode(encode(data)), `length ${n}`).to.deep.equal(data);
        }
      });

      it('round-trips 1 MB (and an odd 1 MB + 1) without hitting argument limits', () => {
        for (const size of [1 << 20, (1 << 20) + 1]) {
          const data = bytes(size, 99);
          const b64 = encode(data);
          expect(b64.length).to.equal(Math.ceil(size / 3) * 4);
          const back = decode(b64);
          expect(back.length).to.equal(size);
          expect(back.every((v, i) => v === data[i])).to.equal(true);
        }
      });

      it('encodes only the viewed window of a subarray', () => {
        const whole = bytes(64, 5);
        const view = whole.subarray(7, 20);
        expect(decode(encode(view))).to.deep.equal(whole.slice(7, 20));
      });

      it('throws on characters outside the alphabet', () => {
        expect(() => decode('ab$c')).to.throw();
      });
    });
  }

  it('both implementations agree byte for byte', () => {
    const data = bytes(100_003, 3);
    expect(encodeBase64(data)).to.equal(encodeBase64Portable(data));
  });

  it('decodeBase64 returns an array that owns its buffer (safe to view as Int16 or transfer)', () => {
    const out = decodeBase64('AAD/fwCAAQA=');
    expect(out.byteOffset).to.equal(0);
    expect(out.buffer.byteLength).to.equal(out.byteLength);
  });
});

describe('PCM16 wire encoding', () => {
  it('writes samples little-endian, low byte first', () => {
    const pcm = new Int16Array([0, 32767, -32768, 1, 0x1234]);
    const raw = decodeBase64(pcm16ToBase64(pcm));
    expect([...raw]).to.deep.equal([0x00, 0x00, 0xff, 0x7f, 0x00, 0x80, 0x01, 0x00, 0x34, 0x12]);
  });

  it('reads the fixture delta as [0, 32767, -32768, 1]', () => {
    expect([...base64ToPcm16(AUDIO_B64)]).to.deep.equal([0, 32767, -32768, 1]);
    expect(pcm16ToBase64(new Int16Array([0, 32767, -32768, 1]))).to.equal(AUDIO_B64);
  });

  it('round-trips one second at 24 kHz, also from an offset view', () => {
    const second = new Int16Array(24000);
    for (let i = 0; i < second.length; i++) second[i] = Math.round(Math.sin((2 * Math.PI * 440 * i) / 24000) * 32000);
    expect(base64ToPcm16(pcm16ToBase64(second))).to.deep.equal(second);
    const window = second.subarray(101, 4901);
    expect(base64ToPcm16(pcm16ToBase64(window))).to.deep.equal(window.slice());
    expect(pcm16ToBase64(second).length).to.equal(64000); // 48,000 bytes -> 64,000 chars
  });

  it('drops a trailing half sample instead of misreading it', () => {
    const odd = encodeBase64(new Uint8Array([0x01, 0x00, 0xff]));
    expect([...base64ToPcm16(odd)]).to.deep.equal([1]);
  });
});
