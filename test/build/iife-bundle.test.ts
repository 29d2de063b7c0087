import { expect } from '@open-wc/testing';

// The classic-script bundle must define the element on its own, with no module loader.
describe('dist/realtime-voice.iife.js', () => {
  it('defines <realtime-voice> when loaded with a plain script tag', async () => {
    expect(customElements.get('realtime-voice')).to.equal(undefined);
    const script = document.createElement('script');
    script.src = '/dist/realtime-voice.iife.js';
    const loaded = new Promise<void>((resolve, reject) => {
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('the IIFE bundle did not load'));
    });
    document.head.append(script);
    await loaded;
    const ctor = customElements.get('realtime-voice');
    expect(ctor).to.be.a('function');
    expect((window as unknown as { RealtimeVoice: { RealtimeVoice: unknown } }).RealtimeVoice.RealtimeVoice).to.equal(ctor);
    const el = document.createElement('realtime-voice');
    document.body.append(el);
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(el.shadowRoot?.querySelector('[part~="base"]')).to.not.equal(null);
    el.remove();
  });
});
