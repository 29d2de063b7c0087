// Fault matrix, case 7: the AudioContext suspended by the browser or interrupted (Safari's state for a
// phone call or a backgrounded tab), and the worklet module refused by a strict Content-Security-Policy.
import { expect, waitUntil } from '@open-wc/testing';
import { micAppends, mount, untilAppends, useHarness, Watch } from './harness.js';
import type { RvErrorDetail } from '../../src/events.js';
import { frameReport } from '../support/frame-report.js';


/**
 * A real AudioContext that can also be put in Safari's `interrupted` state, whose resume() can be
 * refused (as without a user gesture), and that counts the resume() calls.
 */
class InterruptibleContext extends AudioContext {
  resumes = 0;
  refuseResume = false;
  #interrupted = false;

  override get state(): AudioContextState {
    return this.#interrupted ? ('interrupted' as AudioContextState) : super.state;
  }

  interrupt(): void {
    this.#interrupted = true;
    this.dispatchEvent(new Event('statechange'));
  }

  override async resume(): Promise<void> {
    this.resumes++;
    if (this.refuseResume) throw new DOMException('resume() needs a user gesture', 'NotAllowedError');
    await super.resume();
    if (this.#interrupted) {
      this.#interrupted = false;
      this.dispatchEvent(new Event('statechange'));
    }
  }
}

describe('fault 7: the AudioContext suspended or interrupted; the worklet refused by CSP', () => {
  useHarness();

  it('7a. both contexts suspended under a live session: resumed at once, the audio keeps flowing, no error', async () => {
    const contexts: AudioContext[] = [];
    const el = await mount({}, { platform: { createAudioContext: (o) => (contexts.push(new AudioContext(o)), contexts.at(-1)!) } });
    const w = new Watch(el);
    await el.connect();
    expect(contexts.map((c) => c.state)).to.deep.equal(['running', 'running']);
    await Promise.all(contexts.map((c) => c.suspend()));
    await waitUntil(() => contexts.every((c) => c.state === 'running'), 'both contexts resumed', { timeout: 15_000 });
    const after = await micAppends();
    await untilAppends(after + 25, 'microphone audio after the resume');
    expect(el.state).to.not.equal('error');
    expect(w.errors).to.deep.equal([]);
  });

  it('7b. interrupted (Safari): resumed; when resume() needs a gesture, the next tap or key resumes it', async () => {
    const contexts: InterruptibleContext[] = [];
    const el = await mount({ output: 'text' }, { platform: { createAudioContext: (o) => (contexts.push(new InterruptibleContext(o)), contexts.at(-1)!) } });
    const w = new Watch(el);
    await el.connect();
    const [capture] = contexts;
    const before = capture!.resumes;
    capture!.interrupt();
    await waitUntil(() => capture!.state === 'running', 'resumed after the interruption', { timeout: 15_000 });
    expect(capture!.resumes).to.equal(before + 1);

    capture!.refuseResume = true;
    capture!.interrupt();
    await waitUntil(() => capture!.resumes === before + 2, 'a resume() was tried', { timeout: 15_000 });
    expect(capture!.state).to.equal('interrupted');
    capture!.refuseResume = false;
    window.dispatchEvent(new Event('pointerdown'));
    await waitUntil(() => capture!.state === 'running', 'resumed by the next gesture', { timeout: 15_000 });
    const after = await micAppends();
    await untilAppends(after + 25, 'microphone audio after the resume');
    expect(el.state).to.equal('listening');
    expect(w.errors).to.deep.equal([]);
  });

  /** Loads the strict-CSP page with one element in an iframe and returns how its session ended. */
  function strictCsp(urls: { worklet?: string; worker?: string } = {}): Promise<{ state: string; errors: RvErrorDetail[]; uncaught: string[]; mainThreadSockets: number }> {
    const params = new URLSearchParams();
    if (urls.worklet) params.set('worklet-url', urls.worklet);
    if (urls.worker) params.set('worker-url', urls.worker);
    const query = params.size ? `?${params}` : '';
    return frameReport(new URL(`./fixtures/strict-csp.html${query}`, import.meta.url).href, 'strict-csp-element', { allow: 'microphone' });
  }

  it('7c. a CSP without blob: refuses the inline worklet: a fatal worklet_blocked that names worklet-url', async () => {
    const { state, errors, uncaught } = await strictCsp();
    expect(state).to.equal('error');
    expect(errors.map((e) => [e.code, e.fatal])).to.deep.equal([['worklet_blocked', true]]);
    expect(errors[0]!.message).to.contain('worklet-url');
    expect(uncaught).to.deep.equal([]);
  });

  it('7c. the same page with worklet-url on its own origin: the session opens, its socket on the main thread (the blob: worker is refused)', async () => {
    const { state, errors, uncaught, mainThreadSockets } = await strictCsp({ worklet: '/__worklets__/realtime-voice.worklet.js' });
    expect(state).to.equal('listening');
    expect(errors).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
    expect(mainThreadSockets).to.equal(1);
  });

  it('7c. with worker-url too: the socket runs in the self-hosted worker, and the server hears the microphone through it', async () => {
    const { state, errors, uncaught, mainThreadSockets } = await strictCsp({
      worklet: '/__worklets__/realtime-voice.worklet.js',
      worker: '/__worklets__/realtime-voice.worker.js',
    });
    expect(state).to.equal('listening');
    expect(errors).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
    expect(mainThreadSockets, 'no socket on the main thread').to.equal(0);
  });
});
