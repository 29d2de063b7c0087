// A Node WebRTC test peer (werift) that calls the mock as a browser would: Opus microphone over RTP,
// the `oai-events` data channel, the offer POSTed to /v1/realtime/calls.
import OpusScript from 'opusscript';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, type RTCDataChannel } from 'werift';
import { parseServerEvent } from '../../src/protocol/index.js';

export type Ev = { type: string; [key: string]: any };

const FRAME = 480;

export class TestPeer {
  readonly events: Ev[] = [];
  /** Frames that did not parse as known GA server events. */
  readonly unparsed: unknown[] = [];
  /** RMS (0..1) of each 20 ms frame of the mock's voice received. */
  readonly voice: number[] = [];
  readonly pc = new RTCPeerConnection({ codecs: { audio: [useOPUS()] }, bundlePolicy: 'max-bundle', iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'] });
  readonly channel: RTCDataChannel;
  readonly closed: Promise<void>;
  private readonly mic = new MediaStreamTrack({ kind: 'audio' });
  private readonly encoder = new OpusScript(24000, 1, OpusScript.Application.VOIP);
  private readonly decoder = new OpusScript(24000, 1, OpusScript.Application.VOIP);
  private wake: (() => void) | undefined;
  private seq = 1;
  private timestamp = 0;

  constructor() {
    this.pc.addTransceiver(this.mic, { direction: 'sendrecv' });
    this.pc.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        const bytes = this.decoder.decode(rtp.payload);
        const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        let sum = 0;
        for (const s of pcm) sum += (s / 32768) ** 2;
        this.voice.push(Math.sqrt(sum / Math.max(1, pcm.length)));
        this.wake?.();
      }),
    );
    this.channel = this.pc.createDataChannel('oai-events');
    this.channel.onMessage.subscribe((data) => {
      const text = String(data);
      const parsed = parseServerEvent(text);
      if (!parsed.ok || !parsed.known) this.unparsed.push(text);
      this.events.push(JSON.parse(text));
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      this.channel.stateChange.subscribe((state) => {
        if (state !== 'closed') return;
        this.wake?.();
        resolve();
      }),
    );
  }

  /** Offers, POSTs to `callsUrl` with the key, applies the answer. Returns the HTTP response (answer or error). */
  async call(callsUrl: string, key: string | null, contentType = 'application/sdp'): Promise<{ status: number; body: string; location: string | null }> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await new Promise<void>((resolve) => {
      if (this.pc.iceGatheringState === 'complete') resolve();
      else this.pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve());
    });
    const headers: Record<string, string> = { 'Content-Type': contentType };
    if (key) headers.Authorization = `Bearer ${key}`;
    const res = await fetch(callsUrl, { method: 'POST', headers, body: this.pc.localDescription!.sdp });
    const body = await res.text();
    if (res.status === 201) await this.pc.setRemoteDescription({ type: 'answer', sdp: body });
    return { status: res.status, body, location: res.headers.get('location') };
  }

  send(event: object): void {
    this.channel.send(JSON.stringify(event));
  }

  /** Sends PCM16 24 kHz as Opus RTP, 20 ms a packet, a few packets per event-loop turn (faster than real time, in order). */
  async speak(pcm: Int16Array): Promise<void> {
    for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
      const frame = pcm.subarray(i, i + FRAME);
      const payload = this.encoder.encode(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), FRAME);
      this.mic.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: this.seq++ & 0xffff, timestamp: (this.timestamp += 960) >>> 0 }), Buffer.from(payload)));
      // Let the network keep up: UDP on loopback drops what a burst overflows.
      if ((i / FRAME) % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Resolves with the `count`th event of `type` (the channel's own order). */
  async next(type: string, count = 1): Promise<Ev> {
    let found: Ev | undefined;
    await this.until(() => {
      found = this.events.filter((e) => e.type === type)[count - 1];
      if (!found && this.channel.readyState === 'closed') throw new Error(`closed before ${type} #${count}; got ${this.events.map((e) => e.type).join(', ')}`);
      return found !== undefined;
    });
    return found!;
  }

  /** Resolves once `predicate` holds, re-checked on every event or voice frame. */
  async until(predicate: () => boolean): Promise<void> {
    // werift's sockets do not hold the event loop: without this a wait that never ends would end the process silently.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      while (!predicate()) await new Promise<void>((resolve) => (this.wake = resolve));
    } finally {
      clearInterval(keepAlive);
    }
  }

  async close(): Promise<void> {
    this.encoder.delete();
    this.decoder.delete();
    await this.pc.close();
  }
}
