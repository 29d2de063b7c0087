// Three looks for <realtime-voice>, each a plain stylesheet the page adopts; the same text is shown
// under each card, so what you read is exactly what styles it.
import '../src/index.js';
import { initDemoBar } from './shared/demo-bar.js';

export const looks: Record<'aurora' | 'paper' | 'terminal', string> = {
  aurora: `.look-aurora {
  color-scheme: dark;
  --rv-width: 100%;
  --rv-radius: 1.5rem;
  --rv-background: rgb(17 19 38 / 0.78);
  --rv-color: #eef0ff;
  --rv-muted-color: #aab1d8;
  --rv-border-color: rgb(255 255 255 / 0.16);
  --rv-accent: #8b5cf6;
  --rv-accent-contrast: #ffffff;
  --rv-user-background: rgb(139 92 246 / 0.32);
  --rv-assistant-background: rgb(255 255 255 / 0.08);
  --rv-level-color: #22d3ee;
}
.look-aurora::part(base) {
  padding: 1rem;
  backdrop-filter: blur(14px);
  box-shadow: 0 20px 50px rgb(8 6 30 / 0.5);
}
.look-aurora::part(button) {
  background: linear-gradient(135deg, #7c3aed, #0e7490);
  letter-spacing: 0.02em;
}
/* The button glows with the assistant's voice (0..1, set on the button part). */
.look-aurora:state(speaking)::part(button) {
  box-shadow: 0 0 calc(8px + var(--rv-output-level) * 40px) rgb(34 211 238 / 0.6);
}`,

  paper: `.look-paper {
  color-scheme: light;
  --rv-width: 100%;
  --rv-font: 'DejaVu Serif', Georgia, serif;
  --rv-radius: 2px;
  --rv-background: #fbf8f1;
  --rv-color: #1f2a44;
  --rv-muted-color: #555d70;
  --rv-border-color: #cfc6b4;
  --rv-accent: #1e3a8a;
  --rv-accent-contrast: #fbf8f1;
  --rv-level-color: #1e3a8a;
}
.look-paper::part(base) {
  padding: 1.25rem;
  box-shadow: 6px 6px 0 #e4dccb;
}
.look-paper::part(message) {
  align-self: stretch;
  padding: 0.5rem 0 0;
  border-block-start: 1px solid var(--rv-border-color);
  border-radius: 0;
  background: none;
}
.look-paper::part(speaker) {
  font-variant: small-caps;
  letter-spacing: 0.08em;
  font-size: 0.9em;
}
.look-paper::part(button) {
  border: 2px solid currentColor;
  border-radius: 2px;
  background: transparent;
  color: var(--rv-accent);
  text-transform: uppercase;
  letter-spacing: 0.12em;
  font-size: 0.8em;
}
.look-paper:state(listening)::part(status) {
  color: var(--rv-accent);
  font-style: italic;
}`,

  terminal: `.look-terminal {
  color-scheme: dark;
  --rv-width: 100%;
  --rv-font: 'DejaVu Sans Mono', ui-monospace, monospace;
  --rv-font-size: 0.875rem;
  --rv-radius: 0;
  --rv-background: #050805;
  --rv-color: #86f7a3;
  --rv-muted-color: #4fbf6c;
  --rv-border-color: #1f4d2b;
  --rv-accent: #86f7a3;
  --rv-accent-contrast: #050805;
  --rv-level-color: #86f7a3;
}
.look-terminal::part(base) {
  border-width: 2px;
  box-shadow: inset 0 0 48px rgb(134 247 163 / 0.07);
}
.look-terminal::part(message) {
  align-self: stretch;
  padding: 0;
  background: none;
}
.look-terminal::part(speaker) {
  display: inline;
  font-size: 1em;
  text-transform: lowercase;
}
.look-terminal::part(speaker)::after {
  content: ' $ ';
}
.look-terminal::part(assistant) {
  color: #e2ffe9;
}
.look-terminal::part(button) {
  border-radius: 0;
  text-transform: lowercase;
}
.look-terminal:state(listening)::part(status)::after {
  content: ' \\2588';
  animation: blink 1s steps(1) infinite;
}
@keyframes blink {
  50% { opacity: 0; }
}
@media (prefers-reduced-motion: reduce) {
  .look-terminal:state(listening)::part(status)::after { animation: none; }
}`,
};

const sheets = Object.entries(looks).map(([name, text]) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  const code = document.querySelector(`[data-css="${name}"]`);
  if (code) code.textContent = text;
  return sheet;
});
document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
void initDemoBar();
