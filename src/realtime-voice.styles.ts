import { css } from 'lit';

// Colours come from light-dark(), so `color-scheme` picks the palette: the page's preference by
// default, `theme="light|dark"` or a page rule `realtime-voice { color-scheme: dark }` to force one.
export default css`
  :host {
    --rv-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --rv-font-size: 0.9375rem;
    --rv-radius: 0.75rem;
    --rv-gap: 0.5rem;
    --rv-width: 22rem;
    --rv-transcript-height: 16rem;
    --rv-button-size: 3rem;
    --rv-background: light-dark(#ffffff, #1c1c21);
    --rv-color: light-dark(#1a1a1e, #ececf1);
    --rv-muted-color: light-dark(#5b5b66, #a9a9b6);
    --rv-border-color: light-dark(#d9d9e0, #3a3a44);
    --rv-accent: light-dark(#2454d6, #7c9cff);
    --rv-accent-contrast: light-dark(#ffffff, #0d1020);
    --rv-user-background: light-dark(#eef2ff, #2a3050);
    --rv-assistant-background: light-dark(#f3f4f6, #2a2a31);
    --rv-error-color: light-dark(#b3261e, #ffb4ab);
    --rv-level-color: light-dark(#1f9d55, #5fd38d);
    --rv-focus-ring: 2px solid var(--rv-accent);
    --rv-shadow: 0 4px 18px light-dark(rgb(0 0 0 / 0.12), rgb(0 0 0 / 0.5));
    --rv-offset: 1.25rem;
    --rv-z-index: 2147483000;

    color-scheme: light dark;
    display: block;
    inline-size: min(100%, var(--rv-width));
    font: var(--rv-font-size) / 1.45 var(--rv-font);
    color: var(--rv-color);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }

  [part~='base'] {
    display: flex;
    flex-direction: column;
    gap: var(--rv-gap);
    padding: 0.75rem;
    border: 1px solid var(--rv-border-color);
    border-radius: var(--rv-radius);
    background: var(--rv-background);
    color: var(--rv-color);
  }
  .panel {
    display: flex;
    flex-direction: column;
    gap: var(--rv-gap);
    min-inline-size: 0;
  }
  .row {
    display: flex;
    align-items: center;
    gap: var(--rv-gap);
    min-inline-size: 0;
  }
  [part~='status'] {
    flex: 1;
    color: var(--rv-muted-color);
    font-size: 0.875em;
  }
  .meters {
    display: flex;
    gap: 0.25rem;
  }
  [part~='level'] {
    position: relative;
    inline-size: 3rem;
    block-size: 0.375rem;
    overflow: hidden;
    border-radius: 999px;
    background: var(--rv-border-color);
  }
  [part~='level']::before {
    content: '';
    position: absolute;
    inset: 0;
    background: var(--rv-level-color);
    transform-origin: left;
    /* No transition: an 80 ms one per level kept the page drawing 40 frames a second (bench). */
    transform: scaleX(var(--rv-input-level, 0));
  }
  [part~='output-level']::before {
    background: var(--rv-accent);
    transform: scaleX(var(--rv-output-level, 0));
  }

  [part~='transcript'] {
    display: flex;
    flex-direction: column;
    gap: 0.375rem;
    max-block-size: var(--rv-transcript-height);
    overflow-y: auto;
    overscroll-behavior: contain;
    margin: 0;
    padding: 0;
  }
  [part~='message'] {
    margin: 0;
    padding: 0.375rem 0.625rem;
    border-radius: calc(var(--rv-radius) * 0.75);
    overflow-wrap: anywhere;
  }
  [part~='text'] {
    white-space: pre-wrap;
  }
  [part~='user'] {
    align-self: flex-end;
    background: var(--rv-user-background);
  }
  [part~='assistant'] {
    align-self: flex-start;
    background: var(--rv-assistant-background);
  }
  /* A line still streaming ends in an ellipsis that assistive tech does not read. */
  [part~='message'][data-final='false']::after {
    content: ' …' / '';
    color: var(--rv-muted-color);
  }
  [part~='speaker'] {
    display: block;
    font-size: 0.75em;
    font-weight: 600;
    color: var(--rv-muted-color);
  }
  [part~='hint'] {
    margin: 0;
    color: var(--rv-muted-color);
    font-size: 0.875em;
  }
  [part~='error'] {
    margin: 0;
    color: var(--rv-error-color);
    font-size: 0.875em;
  }
  [part~='error']:empty {
    display: none;
  }

  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  [part~='transcript']:focus-visible {
    outline: var(--rv-focus-ring);
    outline-offset: 2px;
  }
  [part~='form'] {
    display: flex;
    gap: var(--rv-gap);
  }
  [part~='input'],
  [part~='devices'] {
    flex: 1;
    min-inline-size: 0;
    padding: 0.375rem 0.5rem;
    border: 1px solid var(--rv-border-color);
    border-radius: calc(var(--rv-radius) * 0.5);
    background: var(--rv-background);
  }
  [part~='input'],
  [part~='devices'],
  [part~='send'],
  [part~='end'],
  [part~='mute'] {
    min-block-size: 2.25rem;
  }
  [part~='send'],
  [part~='end'],
  [part~='mute'] {
    padding: 0.375rem 0.625rem;
    border: 1px solid var(--rv-border-color);
    border-radius: calc(var(--rv-radius) * 0.5);
    background: transparent;
    cursor: pointer;
  }
  [part~='mute'][aria-pressed='true'] {
    border-color: var(--rv-error-color);
    color: var(--rv-error-color);
  }

  [part~='button'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    min-block-size: var(--rv-button-size);
    min-inline-size: var(--rv-button-size);
    padding: 0 1rem;
    border: 0;
    border-radius: 999px;
    background: var(--rv-accent);
    color: var(--rv-accent-contrast);
    font-weight: 600;
    cursor: pointer;
    touch-action: none;
    user-select: none;
    -webkit-user-select: none;
    box-shadow: 0 0 0 calc(var(--rv-input-level, 0) * 0.75rem) color-mix(in srgb, var(--rv-level-color) 35%, transparent);
    transition: background-color 150ms;
  }
  [part~='button'][aria-pressed='true'],
  [data-active] [part~='button'] {
    background: color-mix(in srgb, var(--rv-accent) 80%, var(--rv-color));
  }
  [data-state='speaking'] [part~='button'] {
    box-shadow: 0 0 0 calc(var(--rv-output-level, 0) * 0.75rem) color-mix(in srgb, var(--rv-accent) 35%, transparent);
  }
  [data-state='connecting'] [part~='button'],
  [data-state='reconnecting'] [part~='button'],
  [data-state='thinking'] [part~='button'] {
    animation: rv-pulse 1.2s ease-in-out infinite;
  }
  [part~='icon'],
  ::slotted([slot='icon']) {
    inline-size: 1.25rem;
    block-size: 1.25rem;
    flex: none;
  }
  /* The pulse darkens (light) or lightens (dark) the background towards the card's text colour, so the label only gains contrast
     (fading the whole button dropped it below 4.5:1 mid-pulse, as axe caught while connecting). */
  @keyframes rv-pulse {
    50% {
      background-color: color-mix(in srgb, var(--rv-accent) 65%, var(--rv-color));
    }
  }

  /* Compact: a floating round button; the panel opens above it while a session runs. */
  :host([layout='compact']) {
    position: fixed;
    inset-block-end: var(--rv-offset);
    inset-inline-end: var(--rv-offset);
    z-index: var(--rv-z-index);
    inline-size: auto;
  }
  :host([layout='compact']) [part~='base'] {
    align-items: flex-end;
    padding: 0;
    border: 0;
    background: transparent;
  }
  :host([layout='compact']) .panel {
    inline-size: min(var(--rv-width), calc(100vw - 2 * var(--rv-offset)));
    padding: 0.75rem;
    border: 1px solid var(--rv-border-color);
    border-radius: var(--rv-radius);
    background: var(--rv-background);
    box-shadow: var(--rv-shadow);
  }
  :host([layout='compact']) [data-state='idle'] .panel {
    display: none;
  }
  :host([layout='compact']) [part~='button'] {
    padding: 0;
    inline-size: calc(var(--rv-button-size) * 1.25);
    block-size: calc(var(--rv-button-size) * 1.25);
    box-shadow: var(--rv-shadow), 0 0 0 calc(var(--rv-input-level, 0) * 0.75rem) color-mix(in srgb, var(--rv-level-color) 35%, transparent);
  }
  :host([layout='compact']) [part~='label'] {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before {
      animation: none !important;
      transition: none !important;
    }
  }
  @media (forced-colors: active) {
    [part~='button'] {
      border: 1px solid ButtonText;
    }
    [part~='level']::before {
      background: Highlight;
    }
  }
`;
