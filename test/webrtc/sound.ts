// Measures what a page would hear from a WebRTC stream: an AnalyserNode on it, polled once per
// animation frame until the RMS crosses a threshold (a condition, never a timed sleep).

/** Resolves with the first RMS (0..1) above `threshold` heard on `stream`; mocha's timeout bounds the wait. */
export async function soundOn(stream: MediaStream, threshold = 0.01): Promise<number> {
  // Chromium pulls a remote WebRTC track into Web Audio only while a media element plays it.
  const sink = new Audio();
  sink.muted = true;
  sink.srcObject = stream;
  await sink.play().catch(() => undefined);
  const ctx = new AudioContext();
  try {
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(stream).connect(analyser);
    const buffer = new Float32Array(analyser.fftSize);
    for (;;) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      analyser.getFloatTimeDomainData(buffer);
      let sum = 0;
      for (const v of buffer) sum += v * v;
      const rms = Math.sqrt(sum / buffer.length);
      if (rms > threshold) return rms;
    }
  } finally {
    sink.srcObject = null;
    void ctx.close();
  }
}
