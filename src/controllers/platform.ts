/**
 * The outside world the element reaches, with the real browser as default. Tests and unusual hosts
 * (a proxy socket, a custom microphone pipeline) replace any part through the element's `platform`.
 */
export interface Platform {
  fetch: typeof fetch;
  createWebSocket(url: string, protocols: string[]): WebSocket;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  createAudioContext(options?: AudioContextOptions): AudioContext;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
}

/** The real browser; looked up when called, so that importing the element touches no global. */
export const browserPlatform: Platform = {
  fetch: (input, init) => fetch(input, init),
  createWebSocket: (url, protocols) => new WebSocket(url, protocols),
  getUserMedia: (constraints) => navigator.mediaDevices.getUserMedia(constraints),
  createAudioContext: (options) => new AudioContext(options),
  enumerateDevices: () => navigator.mediaDevices?.enumerateDevices() ?? Promise.resolve([]),
};

export function withDefaults(overrides: Partial<Platform>): Platform {
  return { ...browserPlatform, ...overrides };
}
