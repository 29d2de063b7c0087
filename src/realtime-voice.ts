import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * A real-time voice assistant for any web page (OpenAI Realtime GA).
 *
 * @summary Drop-in voice assistant: `<realtime-voice token-url="/api/realtime-token">`.
 * @csspart base - The outer container.
 */
@customElement('realtime-voice')
export class RealtimeVoice extends LitElement {
  static override styles = css`
    :host { display: inline-block; }
  `;

  /** URL of the site's own endpoint that mints a short-lived Realtime key (POST, JSON). */
  @property({ attribute: 'token-url' }) tokenUrl = '';

  override render() {
    return html`<div part="base"><slot></slot></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'realtime-voice': RealtimeVoice;
  }
}
