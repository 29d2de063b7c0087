import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { defaultStrings } from '../../src/strings.js';

const part = (el: RealtimeVoice, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<realtime-voice> rendering (no session)', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('starts idle with a labelled start button, a status line and an empty transcript hint', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
    expect(el.state).to.equal('idle');
    expect(el.transcript).to.deep.equal([]);
    const button = part(el, 'button')!;
    expect(button.tagName).to.equal('BUTTON');
    expect(button.textContent!.trim()).to.equal(defaultStrings.start);
    expect(button.hasAttribute('aria-pressed')).to.equal(false);
    expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
    expect(part(el, 'status')!.textContent!.trim()).to.equal(defaultStrings.idle);
    const log = part(el, 'transcript')!;
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-label')).to.equal(defaultStrings.transcript);
    expect(part(el, 'hint')!.textContent).to.equal(defaultStrings.empty);
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(part(el, 'input')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('reads every documented attribute into its property, in kebab-case', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice
      token-url="/api/token"
      url="wss://example.test/v1/realtime"
      model="gpt-realtime"
      voice="marin"
      instructions="Be brief."
      turn-detection="semantic_vad"
      mode="transcription"
      output="text"
      language="fr"
      transcription-model="gpt-4o-transcribe"
      input-device="mic-2"
      worklet-url="/static/rv-worklets.js"
      worker-url="/static/rv-worker.js"
      layout="compact"
      theme="dark"
      text-input
      muted
    ></realtime-voice>`);
    expect(el.tokenUrl).to.equal('/api/token');
    expect(el.url).to.equal('wss://example.test/v1/realtime');
    expect(el.model).to.equal('gpt-realtime');
    expect(el.voice).to.equal('marin');
    expect(el.instructions).to.equal('Be brief.');
    expect(el.turnDetection).to.equal('semantic_vad');
    expect(el.mode).to.equal('transcription');
    expect(el.output).to.equal('text');
    expect(el.language).to.equal('fr');
    expect(el.transcriptionModel).to.equal('gpt-4o-transcribe');
    expect(el.inputDevice).to.equal('mic-2');
    expect(el.workletUrl).to.equal('/static/rv-worklets.js');
    expect(el.workerUrl).to.equal('/static/rv-worker.js');
    expect(el.layout).to.equal('compact');
    expect(el.theme).to.equal('dark');
    expect(el.textInput).to.equal(true);
    expect(el.muted).to.equal(true);
  });

  it('keeps echo-cancellation, noise-suppression and auto-gain on unless the attribute says "false"', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
    expect([el.echoCancellation, el.noiseSuppression, el.autoGain]).to.deep.equal([true, true, true]);
    el.setAttribute('echo-cancellation', 'false');
    el.setAttribute('noise-suppression', 'off');
    el.setAttribute('auto-gain', '');
    expect([el.echoCancellation, el.noiseSuppression, el.autoGain]).to.deep.equal([false, false, true]);
    el.setAttribute('echo-cancellation', 'true');
    el.removeAttribute('noise-suppression');
    expect([el.echoCancellation, el.noiseSuppression]).to.deep.equal([true, true]);
  });

  it('replaces labels through the strings property and the strings attribute (JSON)', async () => {
    const el = await fixture<RealtimeVoice>(
      html`<realtime-voice text-input strings='{"start":"Démarrer","idle":"Prêt"}'></realtime-voice>`,
    );
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Démarrer');
    expect(part(el, 'status')!.textContent!.trim()).to.equal('Prêt');
    el.strings = { send: 'Envoyer', message: 'Message écrit', empty: 'Parlez.' };
    await el.updateComplete;
    expect(part(el, 'send')!.textContent!.trim()).to.equal('Envoyer');
    expect(part(el, 'input')!.getAttribute('aria-label')).to.equal('Message écrit');
    expect(part(el, 'hint')!.textContent).to.equal('Parlez.');
    // Keys left out keep their English default.
    expect(part(el, 'button')!.textContent!.trim()).to.equal(defaultStrings.start);
    el.setAttribute('strings', '{not json');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent!.trim()).to.equal(defaultStrings.idle);
  });

  it('fills the icon, label and empty slots from the page', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice>
      <span slot="icon" id="icon">★</span>
      <span slot="label" id="label">Talk to us</span>
      <p slot="empty" id="empty">Ask about opening hours.</p>
    </realtime-voice>`);
    const slots = [...el.shadowRoot!.querySelectorAll('slot')];
    const assigned = (name: string) => slots.find((s) => s.name === name)!.assignedElements().map((e) => e.id);
    expect(assigned('icon')).to.deep.equal(['icon']);
    expect(assigned('label')).to.deep.equal(['label']);
    expect(assigned('empty')).to.deep.equal(['empty']);
    expect(el.shadowRoot!.querySelector('[part~="button"] slot[name="label"]')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows the text input form with text-input, and no level meter for the voice in text output', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice text-input output="text"></realtime-voice>`);
    expect(part(el, 'form')).to.not.equal(null);
    expect(part(el, 'input')!.getAttribute('aria-label')).to.equal(defaultStrings.message);
    expect(part(el, 'input-level')).to.not.equal(null);
    expect(part(el, 'output-level')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('exposes the state as a custom state, for :state() selectors', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice muted></realtime-voice>`);
    expect(el.matches(':state(idle)')).to.equal(true);
    expect(el.matches(':state(muted)')).to.equal(true);
    expect(el.matches(':state(listening)')).to.equal(false);
    el.muted = false;
    await el.updateComplete;
    expect(el.matches(':state(muted)')).to.equal(false);
  });

  it('toggles muted from the mute button, which reports it with aria-pressed', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
    const mute = part(el, 'mute')!;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    mute.click();
    await el.updateComplete;
    expect(el.muted).to.equal(true);
    expect(mute.getAttribute('aria-pressed')).to.equal('true');
  });

  it('shows the push-to-talk label and aria-pressed when turn detection is none', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice turn-detection="none"></realtime-voice>`);
    const button = part(el, 'button')!;
    expect(button.textContent!.trim()).to.equal(defaultStrings.holdToTalk);
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    await expect(el).to.be.accessible();
  });

  describe('layouts and colour schemes', () => {
    it('compact: a fixed floating button, the panel hidden while idle, the label kept for assistive tech', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice layout="compact"></realtime-voice>`);
      expect(getComputedStyle(el).position).to.equal('fixed');
      expect(getComputedStyle(el.shadowRoot!.querySelector('.panel')!).display).to.equal('none');
      const button = part(el, 'button')!;
      const rect = button.getBoundingClientRect();
      expect(rect.right).to.be.closeTo(innerWidth - 20, 2); // --rv-offset 1.25rem
      expect(rect.width).to.equal(rect.height);
      expect(part(el, 'label')!.getBoundingClientRect().width).to.be.at.most(1);
      await expect(el).to.be.accessible();
    });

    it('expanded: a card with the panel visible', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
      expect(getComputedStyle(el).position).to.equal('static');
      expect(getComputedStyle(el.shadowRoot!.querySelector('.panel')!).display).to.equal('flex');
      expect(getComputedStyle(part(el, 'base')!).borderTopStyle).to.equal('solid');
    });

    it('follows prefers-color-scheme, and theme="light|dark" overrides it', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
      const bg = () => getComputedStyle(part(el, 'base')!).backgroundColor;
      await emulateMedia({ colorScheme: 'light' });
      expect(bg()).to.equal('rgb(255, 255, 255)');
      await emulateMedia({ colorScheme: 'dark' });
      expect(bg()).to.equal('rgb(28, 28, 33)');
      el.theme = 'light';
      await el.updateComplete;
      expect(bg()).to.equal('rgb(255, 255, 255)');
      await emulateMedia({ colorScheme: 'light' });
      el.theme = 'dark';
      await el.updateComplete;
      expect(bg()).to.equal('rgb(28, 28, 33)');
      // The button eases into its new colour; check contrast on the settled colours.
      await Promise.all(el.shadowRoot!.getAnimations().map((a) => a.finished));
      await expect(el).to.be.accessible();
    });

    it('drops animations and transitions when the user prefers reduced motion', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
      const button = part(el, 'button')!;
      expect(getComputedStyle(button).transitionDuration).to.not.equal('0s');
      await emulateMedia({ reducedMotion: 'reduce' });
      expect(getComputedStyle(button).transitionDuration).to.equal('0s');
      expect(getComputedStyle(part(el, 'input-level')!, '::before').transitionDuration).to.equal('0s');
    });
  });

  describe('styling from the page', () => {
    let sheet: HTMLStyleElement;
    beforeEach(() => {
      sheet = document.createElement('style');
      sheet.textContent = `
        realtime-voice.styled { --rv-accent: rgb(200, 10, 20); --rv-radius: 3px; --rv-font-size: 20px; }
        realtime-voice.styled::part(status) { text-transform: uppercase; letter-spacing: 3px; }
        realtime-voice.styled::part(button) { border-radius: 4px; }
        realtime-voice.styled::part(transcript) { max-height: 50px; }
        realtime-voice.styled:state(idle)::part(base) { outline: 5px solid rgb(0, 128, 0); }
      `;
      document.head.append(sheet);
    });
    afterEach(() => sheet.remove());

    it('restyles through ::part, custom properties and :state()', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice class="styled"></realtime-voice>`);
      const button = getComputedStyle(part(el, 'button')!);
      expect(button.backgroundColor).to.equal('rgb(200, 10, 20)');
      expect(button.borderTopLeftRadius).to.equal('4px');
      expect(getComputedStyle(part(el, 'base')!).borderTopLeftRadius).to.equal('3px');
      expect(getComputedStyle(part(el, 'base')!).fontSize).to.equal('20px');
      const status = getComputedStyle(part(el, 'status')!);
      expect(status.textTransform).to.equal('uppercase');
      expect(status.letterSpacing).to.equal('3px');
      expect(getComputedStyle(part(el, 'transcript')!).maxHeight).to.equal('50px');
      expect(getComputedStyle(part(el, 'base')!).outlineColor).to.equal('rgb(0, 128, 0)');
    });
  });
});
