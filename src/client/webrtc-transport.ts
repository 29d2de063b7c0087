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
}

/** How long the connection may stay `disconnected` before it counts as lost (as agents-js). */
const DISCONNECTED_MS = 5000;

/** The SDP endpoint of a realtime URL: `wss://host/v1/realtime?model=x` -> `https://host/v1/realtime/calls?model=x`. */
export function callsUrl(realtimeUrl: string): string {
  return realtimeUrl.replace(/^ws/, 'http').replace(/(\/calls)?\/?(\?|$)/, '/calls$2');
}

/** Reads an HTTP error answer: OpenAI's JSON `{ error: { message, type, code, param } }`, or its text. */
async function refusalOf(res: Response): Promise<TransportRefusal> {
  const text = await res.text().catch(() => '');
  let error: Partial<TransportRefusal> | undefined;
  try {
    error = JSON.parse(text).error;
  } catch {
    /* not JSON: the text itself is the message */
  }
  return { ...error, status: res.status, message: error?.message ?? text.slice(0, 300) };
}

/**
 * Opens a WebRTC call: one audio transceiver (the microphone out, the assistant's voice in) and the
 * `oai-events` data channel, the offer POSTed to `<url>/calls` with the key as bearer.
 */
export function webRtcTransport(url: string, secret: string, handlers: TransportHandlers, options: WebRtcTransportOptions): Transport {
  const { clock } = options;
  const abort = new AbortController();
  let closed = false;
  let timer: unknown;
  const pc = (options.createPeerConnection ?? ((c) => new RTCPeerConnection(c)))();
  // One transceiver from the start: the microphone joins later with replaceTrack, without renegotiation.
  const sender = pc.addTransceiver('audio', { direction: 'sendrecv' }).sender;
  const channel = pc.createDataChannel('oai-events');

  const close = () => {
    if (closed) return;
    closed = true;
    abort.abort();
    clock.clearTimeout(timer);
    channel.close();
    pc.close();
  };
  const end = (reason: string, refusal?: TransportRefusal) => {
    if (closed) return;
    close();
    handlers.close(1006, reason, refusal);
  };

  pc.ontrack = (event) => !closed && handlers.remoteStream?.(event.streams[0] ?? new MediaStream([event.track]));
  pc.onconnectionstatechange = () => {
    const state = pc.connectionState;
    clock.clearTimeout(timer);
    const lost = () => end(`The peer connection ${state}.`);
    if (state === 'failed' || state === 'closed') lost();
    // Often a brief network change that ICE recovers from by itself.
    else if (state === 'disconnected') timer = clock.setTimeout(lost, DISCONNECTED_MS);
  };
  channel.onopen = () => !closed && handlers.open();
  channel.onmessage = (event) => !closed && handlers.message(event.data);
  channel.onclose = () => end('The data channel closed.');

  void (async () => {
    try {
      await pc.setLocalDescription(await pc.createOffer());
      const res = await (options.fetch ?? fetch)(callsUrl(url), {
        method: 'POST',
        body: pc.localDescription!.sdp,
        headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + secret },
        signal: abort.signal,
      });
      // The JSON body says why; handing it to setRemoteDescription would hide that (protocol.md §1.4).
      if (!res.ok) {
        const refusal = await refusalOf(res);
        return end(refusal.message, refusal);
      }
      const answer = await res.text();
      if (!closed) await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (error) {
      end(`The call could not be set up: ${(error as Error)?.message}`);
    }
  })();

  return {
    get bufferedAmount() {
      return channel.bufferedAmount;
    },
    send: (data) => channel.send(data),
    close,
    setInputTrack: (track) => {
      if (!closed && sender.track !== track) sender.replaceTrack(track).catch(() => undefined);
    },
  };
}
