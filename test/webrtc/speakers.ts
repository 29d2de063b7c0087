// Output devices in Chromium's fake audio stack: the speakers' ids, which media element plays the
// voice (RemotePlayback keeps its <audio> private), and a browser without setSinkId.

/** The fake speakers ("Fake Audio Output 1", "2"); their ids are listed once the page may use the microphone. */
export async function speakers(): Promise<string[]> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  for (const track of stream.getTracks()) track.stop();
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'audiooutput' && d.deviceId && d.deviceId !== 'default').map((d) => d.deviceId);
}

const play = HTMLMediaElement.prototype.play;

/** Records every media element that starts playing, until `unwatchPlay()`. */
export function watchPlay(): HTMLMediaElement[] {
  const played: HTMLMediaElement[] = [];
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    played.push(this);
    return play.call(this);
  };
  return played;
}

export function unwatchPlay(): void {
  HTMLMediaElement.prototype.play = play;
}

/** Runs `fn` as in a browser where neither AudioContext nor HTMLMediaElement has setSinkId. */
export async function withoutSetSinkId(fn: () => Promise<void>): Promise<void> {
  const hidden = [AudioContext.prototype, HTMLMediaElement.prototype].map((proto) => [proto, Object.getOwnPropertyDescriptor(proto, 'setSinkId')!] as const);
  for (const [proto] of hidden) delete (proto as { setSinkId?: unknown }).setSinkId;
  try {
    await fn();
  } finally {
    for (const [proto, descriptor] of hidden) Object.defineProperty(proto, 'setSinkId', descriptor);
  }
}
