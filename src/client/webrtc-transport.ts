// The WebRTC transport (protocol.md §1.4): an RTCPeerConnection with one audio transceiver (the
// microphone out, the assistant's voice in) and the `oai-events` data channel for the JSON events.
// The SDP offer is POSTed to `<realtime url>/calls` with the ek_ key; the answer completes the call.
import type { Clock } from './clock.js';
import type { Transport, TransportHandlers, TransportRefusal } from './transport.js';

export type CreatePeerConnection = (configuration?: RTCConfiguration) => RTCPeerConnection;

export interface WebRtcTransportOptions {
  /** Default: `new RTCPeerConnection(configuration)`. */
  createPeerConnection?: CreatePeerConnection;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  clock: Clock;
  /** How long the connection may stay `disconnected` before it counts as lost (default 5000 ms, as agents-js). */
  disconnectedMs?: number;
}

/** The SDP endpoint of a realtime URL: `wss://host/v1/realtime?model=x` -> `https://host/v1/realtime/calls?model=x`. */
export function callsUrl(realtimeUrl: string): string {
  const url = new URL(realtimeUrl);
  url.protocol = url.protocol === 'ws:' ? 'http:' : url.protocol === 'wss:' ? 'https:' : url.protocol;
  if (!/\/calls\/?$/.test(url.pathname)) url.pathname = url.pathname.replace(/\/$/, '') + '/calls';
  return url.toString();
}

/** Reads an HTTP error answer: OpenAI's JSON `{ error: { message, type, code, param } }`, or its text. */
async function refusalOf(res: Response): Promise<TransportRefusal> {
  const text = await res.text().catch(() => '');
  let error: { message?: unknown; type?: unknown; code?: unknown; param?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error })?.error;
  } catch {
    /* not JSON: the text itself is the message */
  }
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 300) || `HTTP ${res.status}`;
  const refusal: TransportRefusal = { status: res.status, message };
  if (typeof error?.type === 'string') refusal.type = error.type;
  if (typeof error?.code === 'string' || error?.code === null) refusal.code = error.code as string | null;
  if (typeof error?.param === 'string') refusal.param = error.param;
  return refusal;
}

export class WebRtcTransport implements Transport {
  readonly kind = 'webrtc';
  readonly #pc: RTCPeerConnection;
  readonly #channel: RTCDataChannel;
  readonly #sender: RTCRtpSender;
  readonly #handlers: TransportHandlers;
  readonly #o: WebRtcTransportOptions;
  readonly #abort = new AbortController();
  #closed = false;
  #timer: unknown;

  constructor(url: string, secret: string, handlers: TransportHandlers, options: WebRtcTransportOptions) {
    this.#handlers = handlers;
    this.#o = options;
    const pc = (this.#pc = (options.createPeerConnection ?? ((c) => new RTCPeerConnection(c)))());
    // One transceiver from the start: the microphone joins later with replaceTrack, without renegotiation.
    this.#sender = pc.addTransceiver('audio', { direction: 'sendrecv' }).sender;
    pc.ontrack = (event) => {
      if (!this.#closed) handlers.remoteStream?.(event.streams[0] ?? new MediaStream([event.track]));
    };
    pc.onconnectionstatechange = () => this.#connectionState(pc.connectionState);
    const channel = (this.#channel = pc.createDataChannel('oai-events'));
    channel.onopen = () => !this.#closed && handlers.open();
    channel.onmessage = (event) => !this.#closed && handlers.message(event.data);
    channel.onclose = () => this.#end(1006, 'The data channel closed.');
    void this.#negotiate(url, secret);
  }

  get bufferedAmount(): number {
    return this.#channel.bufferedAmount;
  }

  send(data: string): void {
    this.#channel.send(data);
  }

  setInputTrack(track: MediaStreamTrack | null): void {
    if (this.#closed || this.#sender.track === track) return;
    this.#sender.replaceTrack(track).catch(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    this.#o.clock.clearTimeout(this.#timer);
    this.#channel.close();
    this.#pc.close();
  }

  async #negotiate(url: string, secret: string): Promise<void> {
    const pc = this.#pc;
    let answer: string;
    try {
      await pc.setLocalDescription(await pc.createOffer());
      const res = await (this.#o.fetch ?? fetch)(callsUrl(url), {
        method: 'POST',
        body: pc.localDescription!.sdp,
        headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + secret },
        signal: this.#abort.signal,
      });
      if (!res.ok) {
        // The JSON body says why; handing it to setRemoteDescription would hide that (protocol.md §1.4).
        const refusal = await refusalOf(res);
        this.#end(1006, refusal.message, refusal);
        return;
      }
      answer = await res.text();
    } catch (error) {
      this.#end(1006, `The SDP offer could not be sent: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.#closed) return;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (error) {
      this.#end(1006, `The SDP answer was refused: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #connectionState(state: RTCPeerConnectionState): void {
    const clock = this.#o.clock;
    clock.clearTimeout(this.#timer);
    if (state === 'failed' || state === 'closed') this.#end(1006, `The peer connection ${state}.`);
    else if (state === 'disconnected') {
      // Often a brief network change that ICE recovers from by itself.
      this.#timer = clock.setTimeout(() => this.#end(1006, 'The peer connection stayed disconnected.'), this.#o.disconnectedMs ?? 5000);
    }
  }

  #end(code: number, reason: string, refusal?: TransportRefusal): void {
    if (this.#closed) return;
    this.close();
    this.#handlers.close(code, reason, refusal);
  }
}
