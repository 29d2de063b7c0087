// Fault matrix, case 11: markup and script payloads wherever text from outside reaches the page: the
// user's transcript, the assistant's (text and audio transcript), tool names and results, and error
// messages from the server and the token endpoint. All of it must stay text: no element is created,
// no handler runs, and the characters show verbatim.
import { expect, waitUntil } from '@open-wc/testing';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import type { RvToolCallDetail } from '../../src/events.js';
import { lines, mock, MOCK_ORIGIN, MOCK_URL, mount, part, renderedLines, textTurn, useHarness, Watch } from './harness.js';

declare global {
  interface Window {
    __pwned?: number;
  }
}

const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '"><svg onload="window.__pwned=3"></svg>',
  '<iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>',
  "</p><b>bold</b><a href=\"javascript:window.__pwned=5\">link</a>",
];

const ACTIVE = 'img, script, svg, iframe, b, a, object, embed';

/** Elements that markup could have created: in the shadow root and in the page. */
const created = (el: RealtimeVoice) => el.shadowRoot!.querySelectorAll(ACTIVE).length + document.querySelectorAll(ACTIVE).length;

async function inert(el: RealtimeVoice, baseline: number): Promise<void> {
  await el.updateComplete;
  // No element made from the text means no handler (onerror, onload) can ever run.
  expect(created(el), 'elements created from text').to.equal(baseline);
  expect(window.__pwned, 'a payload ran').to.equal(undefined);
}

describe('fault 11: markup and script payloads in transcripts, tool names and error messages', () => {
  useHarness();
  afterEach(() => delete window.__pwned);

  it('11a. typed by the user and echoed by the assistant: shown verbatim as text', async () => {
    const el = await mount({ output: 'text' });
    const baseline = created(el);
    const w = new Watch(el);
    for (const payload of PAYLOADS) await textTurn(el, w, payload);
    expect(renderedLines(el)).to.deep.equal(PAYLOADS.flatMap((p) => [p, `You wrote: ${p}`]));
    expect(el.exportTranscript()).to.contain(PAYLOADS[0]);
    await inert(el, baseline);
  });

  it('11b. in the assistant voice transcript (audio output): shown verbatim as text', async () => {
    const el = await mount();
    const baseline = created(el);
    const w = new Watch(el);
    await textTurn(el, w, PAYLOADS[0]!);
    expect(w.received.some((e) => e.type === 'response.output_audio_transcript.delta')).to.equal(true);
    expect(renderedLines(el)).to.deep.equal([PAYLOADS[0], `You wrote: ${PAYLOADS[0]}`]);
    await inert(el, baseline);
  });

  it('11c. a tool named with markup by the server reaches the page as data; a tool result with markup is spoken as text', async () => {
    const el = await mount({ output: 'text' });
    const baseline = created(el);
    const w = new Watch(el);
    el.tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} }, handler: () => PAYLOADS[1] }];
    await el.sendText('Please call lookup');
    await w.reply(`The lookup tool returned: ${PAYLOADS[1]}`);
    expect(renderedLines(el).at(-1)).to.equal(`The lookup tool returned: ${PAYLOADS[1]}`);

    const calls: RvToolCallDetail[] = [];
    el.addEventListener('rv-tool-call', (e) => calls.push(e.detail));
    const name = PAYLOADS[0]!;
    await mock.sendEvent({
      type: 'response.output_item.done',
      event_id: 'evt_markup_call',
      response_id: 'resp_markup',
      output_index: 0,
      item: { id: 'item_markup_call', type: 'function_call', status: 'completed', name, call_id: 'call_markup', arguments: `{"q":${JSON.stringify(PAYLOADS[2])}}` },
    });
    // Polled: Watch re-checks only on the events it records, and nothing follows the rv-tool-call.
    await waitUntil(() => calls.length === 1, 'the rv-tool-call', { timeout: 15000 });
    expect(calls[0]!.name).to.equal(name);
    expect(calls[0]!.arguments).to.deep.equal({ q: PAYLOADS[2] });
    await inert(el, baseline);
  });

  it('11d. a server error message with markup: the fatal error shows it verbatim as text', async () => {
    const el = await mount({ output: 'text' });
    const baseline = created(el);
    const w = new Watch(el);
    await textTurn(el, w, 'Hello');
    const message = `Incorrect API key provided: ${PAYLOADS[0]} ${PAYLOADS[1]}`;
    await mock.error({ code: 'invalid_api_key', message });
    await w.state('error');
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.equal(message);
    expect(lines(el)).to.deep.equal(['user: Hello', 'assistant: You wrote: Hello']);
    await inert(el, baseline);
  });

  it('11d. a token endpoint answering an HTML page with a script: the error quotes it as text', async () => {
    await mock.httpFault({ path: '/t/html-script', status: 200, raw: `${PAYLOADS[1]}${PAYLOADS[0]}` });
    const el = await mount({ 'token-url': `${MOCK_ORIGIN}/t/html-script`, url: MOCK_URL });
    const baseline = created(el);
    const w = new Watch(el);
    await el.connect();
    const error = await w.error('token_not_json');
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.equal(error.message);
    expect(error.message).to.contain('<script>window.__pwned=2</script>');
    await inert(el, baseline);
  });
});
