/**
 * A streaming sample-rate converter: a Kaiser-windowed sinc FIR evaluated in polyphase form.
 *
 * It turns any input rate (the microphone's native 44.1, 48, 96, 16 kHz ...) into the API's 24 kHz
 * (or any output rate), keeps its filter history between blocks so block boundaries are seamless,
 * and allocates nothing in `process()`. The cutoff sits at 90 % of the lower Nyquist frequency, so
 * downsampling removes what would alias (a 15 kHz tone into 24 kHz loses more than 70 dB) while the
 * speech band stays flat.
 *
 * The class is self-contained (no imports, no module-scope references): its source text is also
 * embedded in the capture worklet, so the code unit-tested here is the code that runs there.
 */
export class Resampler {
  /** Input sample rate in Hz. */
  readonly inputRate: number;
  /** Output sample rate in Hz. */
  readonly outputRate: number;
  private readonly up: number;
  private readonly down: number;
  private readonly phases: number;
  private readonly taps: number;
  private readonly half: number;
  private readonly table: Float32Array;
  private readonly buf: Float32Array;
  private fill = 0;
  private pos = 0;
  private phase = 0;

  /**
   * @param inputRate Input rate in Hz (an integer).
   * @param outputRate Output rate in Hz (default 24000).
   * @param zeros Zero crossings of the sinc on each side: more gives a steeper transition (default 16).
   */
  constructor(inputRate: number, outputRate = 24000, zeros = 16) {
    const a = Math.round(inputRate);
    const b = Math.round(outputRate);
    if (!(a > 0 && b > 0)) throw new RangeError(`Resampler: bad rates ${inputRate} -> ${outputRate}`);
    let x = a;
    let y = b;
    while (y) [x, y] = [y, x % y];
    this.inputRate = a;
    this.outputRate = b;
    this.up = b / x;
    this.down = a / x;
    // Rational ratios of common rates need at most 320 phases; odd ones round to the nearest 1/512.
    this.phases = Math.min(this.up, 512);
    // Cutoff in cycles per input sample, 90 % of the lower Nyquist frequency.
    const cut = (0.45 * Math.min(a, b)) / a;
    this.half = a === b ? 1 : Math.ceil(zeros / (2 * cut));
    this.taps = 2 * this.half;
    this.table = new Float32Array(this.phases * this.taps);
    const beta = 8.6;
    const bessel = (v: number) => {
      let sum = 1;
      let term = 1;
      for (let k = 1; k < 40; k++) {
        term *= (v / (2 * k)) * (v / (2 * k));
        sum += term;
      }
      return sum;
    };
    const i0beta = bessel(beta);
    for (let p = 0; p < this.phases; p++) {
      const frac = p / this.phases;
      const row = p * this.taps;
      let sum = 0;
      for (let k = 0; k < this.taps; k++) {
        // Distance from the output instant to input sample k of the window.
        const t = frac - (k - this.half + 1);
        let h: number;
        if (a === b) h = k === this.half - 1 ? 1 : 0;
        else {
          const u = t / this.half;
          const w = Math.abs(u) >= 1 ? 0 : bessel(beta * Math.sqrt(1 - u * u)) / i0beta;
          const s = 2 * cut * t;
          h = w * (s === 0 ? 1 : Math.sin(Math.PI * s) / (Math.PI * s));
        }
        this.table[row + k] = h;
        sum += h;
      }
      // Unity DC gain for every phase, so no phase adds a ripple of its own.
      for (let k = 0; k < this.taps; k++) this.table[row + k] /= sum;
    }
    this.buf = new Float32Array(this.taps + 2048);
    this.reset();
  }

  /** Forgets all history, as if no sample had been seen. */
  reset(): void {
    this.buf.fill(0);
    // half-1 zeros of history, so output 0 is aligned with input sample 0.
    this.fill = this.half - 1;
    this.pos = this.half - 1;
    this.phase = 0;
  }

  /** The largest number of samples one `process()` call can produce for `inputLength` input samples. */
  maxOutputLength(inputLength: number): number {
    return Math.ceil(((inputLength + 1) * this.up) / this.down) + 1;
  }

  /**
   * Resamples `input` and writes the samples that became ready into `output`, returning how many.
   * Output waits for `zeros` input samples of look-ahead; size `output` with `maxOutputLength`
   * (samples beyond its length are dropped). Allocates nothing.
   */
  process(input: Float32Array, output: Float32Array): number {
    const { buf, table, taps, half, up, down, phases } = this;
    const n = input.length;
    let written = 0;
    let i = 0;
    while (i < n) {
      if (this.fill === buf.length) {
        // Keep only what the next output still needs: its window starts at pos-half+1.
        const start = Math.min(this.pos - half + 1, this.fill);
        buf.copyWithin(0, start, this.fill);
        this.fill -= start;
        this.pos -= start;
      }
      const take = Math.min(n - i, buf.length - this.fill);
      for (let k = 0; k < take; k++) buf[this.fill + k] = input[i + k];
      this.fill += take;
      i += take;
      while (this.pos + half < this.fill) {
        const row = (phases === up ? this.phase : Math.floor((this.phase * phases) / up)) * taps;
        const base = this.pos - half + 1;
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += buf[base + k] * table[row + k];
        if (written < output.length) output[written++] = acc;
        this.phase += down;
        this.pos += Math.floor(this.phase / up);
        this.phase %= up;
      }
    }
    return written;
  }
}
