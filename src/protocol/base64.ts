// Wire encoding for audio. Uses the native Uint8Array base64 methods where the engine has them
// (Chromium 140+, Firefox 133+, Safari 18.2+), else Buffer (Node), else chunked btoa/atob.

interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
}
interface NativeBase64Ctor {
  fromBase64?: (b64: string) => Uint8Array;
}
type BufferLike = Uint8Array & { toString(encoding: 'base64'): string };
interface BufferCtor {
  from(b64: string, encoding: 'base64'): BufferLike;
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): BufferLike;
}

const nativeEncode = (Uint8Array.prototype as NativeBase64).toBase64;
const nativeDecode = (Uint8Array as unknown as NativeBase64Ctor).fromBase64;
const NodeBuffer = (globalThis as { Buffer?: BufferCtor }).Buffer;
// Strict alphabet check for the Buffer path, which would otherwise skip bad characters silently.
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * btoa over 32 K slices: never spreads a large array into one call (engine argument limits).
 * Self-contained, like its twin below: the socket worker runs both from their source text.
 */
export function encodeBase64Portable(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]));
  }
  return btoa(parts.join(''));
}

/** atob into a fresh Uint8Array. Throws on characters outside the base64 alphabet. */
export function decodeBase64Portable(b64: string): Uint8Array {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Standard base64 (with padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  if (nativeEncode) return nativeEncode.call(bytes);
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return encodeBase64Portable(bytes);
}

/**
 * Decodes standard base64 (padding optional) into a fresh Uint8Array that owns its whole buffer
 * (byteOffset 0), so it can be viewed as Int16Array or transferred. Throws on invalid input.
 */
export function decodeBase64(b64: string): Uint8Array {
  if (nativeDecode) return nativeDecode(b64);
  if (NodeBuffer) {
    const clean = BASE64_RE.test(b64) ? b64 : b64.replace(/[\t\n\f\r ]+/g, '');
    if (!BASE64_RE.test(clean) || clean.length % 4 === 1) throw new SyntaxError('invalid base64');
    // Copy: Buffer.from may return a view into Node's shared pool.
    return new Uint8Array(NodeBuffer.from(clean, 'base64'));
  }
  return decodeBase64Portable(b64);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Base64 of 16-bit PCM, always little-endian as the wire requires. On little-endian engines (every
 * browser and Node platform in use) the samples' memory is encoded directly, without a copy.
 */
export function pcm16ToBase64(pcm: Int16Array): string {
  if (LITTLE_ENDIAN) return encodeBase64(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i]!, true);
  return encodeBase64(bytes);
}

/**
 * Decodes base64 little-endian PCM16 into samples. A trailing odd byte (half a sample) is dropped.
 * Throws on invalid base64.
 */
export function base64ToPcm16(b64: string): Int16Array {
  const bytes = decodeBase64(b64);
  const samples = bytes.byteLength >> 1;
  if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, samples);
  const out = new Int16Array(samples);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < samples; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}
