// Live captions: the element in transcription mode; the page draws the latest lines large on the
// stage from `rv-transcript` (the whole text of a line so far, then once more with final: true).
import '../src/index.js';
import type { RealtimeVoice, RvTranscriptEvent } from '../src/index.js';
import { demoConfig, initDemoBar } from './shared/demo-bar.js';

const voice = document.querySelector<RealtimeVoice>('#captions-voice')!;
const captions = document.querySelector<HTMLElement>('.captions')!;
const language = document.querySelector<HTMLSelectElement>('#language')!;
const download = document.querySelector<HTMLButtonElement>('#download')!;
/** The two most recent lines, by item id; a new line pushes the oldest off the stage. */
const shown = new Map<string, HTMLParagraphElement>();

voice.addEventListener('rv-transcript', (event: RvTranscriptEvent) => {
  const { itemId, text, final } = event.detail;
  let line = shown.get(itemId);
  if (!line) {
    captions.querySelector('.caption-placeholder')?.remove();
    line = document.createElement('p');
    line.className = 'caption';
    captions.append(line);
    shown.set(itemId, line);
    while (shown.size > 2) {
      const [oldest] = shown.keys();
      shown.get(oldest!)!.remove();
      shown.delete(oldest!);
    }
  }
  line.textContent = text; // plain text, never HTML
  line.classList.toggle('partial', !final);
  download.disabled = false;
});

language.addEventListener('change', () => {
  voice.language = language.value;
});

download.addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([voice.exportTranscript('text')], { type: 'text/plain' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: 'captions.txt' });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
});

void demoConfig().then((config) => {
  if (config?.realtime === 'mock') document.querySelector<HTMLElement>('.offline')!.hidden = false;
});
void initDemoBar();
