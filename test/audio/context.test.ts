import { expect } from '@open-wc/testing';
import { keepRunning, openContext } from '../../src/audio/context.js';
import { AudioEngineError } from '../../src/audio/errors.js';

/** A context whose state the test sets, counting resume() calls. */
class FakeContext extends EventTarget {
  state = 'running';
  resumes = 0;
  allowResume = false;

  async resume(): Promise<void> {
    this.resumes++;
    if (!this.allowResume) throw new DOMException('needs a user gesture', 'NotAllowedError');
    this.set('running');
  }

  set(state: string): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('AudioContext lifecycle (keepRunning)', () => {
  it('resumes a context that Safari marks interrupted, and again on the next user gesture if that was refused', async () => {
    const ctx = new FakeContext();
    const states: string[] = [];
    const stop = keepRunning(ctx as unknown as AudioContext, (s) => states.push(s), () => states.push('closed!'));
    ctx.set('interrupted');
    await settle();
    expect(ctx.resumes).to.equal(1);
    expect(ctx.state).to.equal('interrupted');
    ctx.allowResume = true;
    window.dispatchEvent(new Event('pointerdown'));
    await settle();
    expect(ctx.resumes).to.equal(2);
    expect(ctx.state).to.equal('running');
    // Running again: gestures no longer touch the context.
    window.dispatchEvent(new Event('keydown'));
    await settle();
    expect(ctx.resumes).to.equal(2);
    expect(states).to.deep.equal(['interrupted', 'running']);
    stop();
  });

  it('a context created suspended (no gesture yet) is resumed by the first gesture', async () => {
    const ctx = new FakeContext();
    ctx.state = 'suspended';
    const stop = keepRunning(ctx as unknown as AudioContext, () => undefined, () => undefined);
    await settle();
    ctx.allowResume = true;
    window.dispatchEvent(new Event('touchend'));
    await settle();
    expect(ctx.state).to.equal('running');
    stop();
  });

  it('reports a close it did not ask for, and stops watching when told', async () => {
    const ctx = new FakeContext();
    let closed = 0;
    const stop = keepRunning(ctx as unknown as AudioContext, () => undefined, () => closed++);
    ctx.set('closed');
    expect(closed).to.equal(1);
    stop();
    ctx.set('suspended');
    window.dispatchEvent(new Event('pointerdown'));
    await settle();
    expect(ctx.resumes).to.equal(0);
  });

  it('openContext adopts a given context (not owned) or makes one (owned); a failing factory is audio_context_failed', () => {
    const given = {} as AudioContext;
    expect(openContext(given, () => {
      throw new Error('unused');
    })).to.deep.equal({ context: given, owned: false });
    const made = {} as AudioContext;
    expect(openContext(() => made, () => given)).to.deep.equal({ context: made, owned: true });
    let error: unknown;
    try {
      openContext(undefined, () => {
        throw new DOMException('too many contexts', 'NotSupportedError');
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(AudioEngineError);
    expect((error as AudioEngineError).code).to.equal('audio_context_failed');
  });
});
