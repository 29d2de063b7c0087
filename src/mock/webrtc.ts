// The mock's WebRTC side (POST /v1/realtime/calls): a pure-TypeScript peer (werift) answers the
// browser's offer; the `oai-events` data channel carries the same session as a WebSocket would, the
// user's Opus is decoded for the VAD, and the voice goes back as Opus over RTP. Loaded only when a
// call arrives, so the rest of the mock runs without these packages.
import OpusScript from 'opusscript';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, type RTCDataChannel } from 'werift';
import type { MockWire } from './connection.js';
import type { SessionMedia } from './playout.js';

/** The session side of a call, made once the data channel opens. */
export interface CallSession {
  /** Decoded user audio, PCM16 mono at 24 kHz. */
  input(pcm: Int16Array): void;
}

export interface CallOptions {
  /** Extra host candidate (the mock's own address), so a loopback-only machine still connects. */
  host: string;
  /** Called when the `oai-events` channel opens: start the session on this wire and media. */
  open(wire: MockWire, media: SessionMedia): CallSession;
  /** The call ended (either side). */
  ended?: () => void;
}

export interface Call {
  /** The SDP answer (every candidate included: the mock does not trickle). */
  answer: string;
  /** Hangs up. */
  close(): void;
}

const RATE = 24000;
const FRAME = 480; // 20 ms at 24 kHz
const RTP_TICKS_PER_FRAME = 960; // Opus RTP runs at 48 kHz whatever the coded rate
const GATHER_TIMEOUT_MS = 5000;
/** Longest wait for the data channel's closing handshake before the peer connection goes anyway. */
const CLOSE_GRACE_MS = 2000;

/** Answers one SDP offer. Rejects with a message for an offer without audio or data channel. */
export async function answerCall(offer: string, options: CallOptions): Promise<Call> {
  if (!/^m=audio /m.test(offer)) throw new Error('The offer has no audio section: add the microphone track (or an audio transceiver).');
  if (!/^m=application .*webrtc-datachannel/m.test(offer)) throw new Error("The offer has no data channel: create the 'oai-events' data channel before the offer.");
  const pc = new RTCPeerConnection({
    codecs: { audio: [useOPUS()] }, bundlePolicy: 'max-bundle',
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [options.host],
  });
  const decoder = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
  const encoder = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
  const out = new MediaStreamTrack({ kind: 'audio' });
  let session: CallSession | undefined;
  let channel: RTCDataChannel | undefined;
  let wireClosed: ((code: number, reason: string) => void) | undefined;
  let ended = false;
  let seq = Math.floor(Math.random() * 0xffff);
  let timestamp = Math.floor(Math.random() * 0xffffffff);

  const end = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    // Closing the channel first tells the peer at once (a stream reset); the peer connection alone would take
    // ICE's 30 s. The peer connection goes once the reset is done, so that frames sent just before (an error) arrive.
    const hangUp = () => void pc.close().catch(() => undefined);
    if (channel?.readyState === 'open') {
      channel.stateChange.subscribe((state) => state === 'closed' && hangUp());
      setTimeout(hangUp, CLOSE_GRACE_MS).unref();
      channel.close();
    } else hangUp();
    decoder.delete();
    encoder.delete();
    wireClosed?.(code, reason);
    options.ended?.();
  };

  // Remote tracks are announced while the offer is applied: listen before.
  pc.onTrack.subscribe((track) => {
    if (track.kind !== 'audio') return;
    track.onReceiveRtp.subscribe((rtp) => {
      if (ended || !session || rtp.payload.length === 0) return;
      let pcm: Int16Array;
      try {
        const bytes = decoder.decode(rtp.payload);
        pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      } catch {
        return; // a corrupt packet is lost audio, as on a real network
      }
      session.input(pcm);
    });
  });

  const media: SessionMedia = {
    rate: RATE,
    write: (pcm) => {
      if (ended || pcm.length !== FRAME) return;
      const payload = encoder.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), FRAME);
      seq = (seq + 1) & 0xffff;
      timestamp = (timestamp + RTP_TICKS_PER_FRAME) >>> 0;
      out.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq, timestamp, marker: false }), Buffer.from(payload)));
    },
  };

  pc.onDataChannel.subscribe((dc: RTCDataChannel) => {
    if (dc.label !== 'oai-events' || channel) return;
    channel = dc;
    const start = () => {
      const wire: MockWire = {
        send: (data) => {
          if (dc.readyState === 'open') dc.send(typeof data === 'string' ? data : Buffer.from(data));
        },
        close: (code, reason) => end(code, reason),
        onMessage: (listener) => dc.onMessage.subscribe((data) => listener(typeof data === 'string' ? data : new Uint8Array(data))),
        onClose: (listener) => (wireClosed = listener),
      };
      session = options.open(wire, media);
    };
    if (dc.readyState === 'open') start();
    else dc.stateChange.subscribe((state) => state === 'open' && !session && start());
    dc.stateChange.subscribe((state) => state === 'closed' && end(1000, 'data channel closed'));
  });
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'failed' || state === 'closed') end(1006, `peer connection ${state}`);
  });

  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const audio = pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!audio) throw new Error('The offer has no audio section.');
    audio.setDirection('sendrecv');
    audio.sender.replaceTrack(out);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
  } catch (error) {
    end(1006, 'negotiation failed');
    throw error;
  }
  return { answer: pc.localDescription!.sdp, close: () => end(1000, 'hung up') };
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
    pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      clearTimeout(timer);
      resolve();
    });
  });
}
