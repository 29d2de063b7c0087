import { expect, fixture, html } from '@open-wc/testing';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import type { RvToolCallEvent } from '../../src/events.js';
import { forEachTransport } from '../webrtc/transports.js';
import { assistantReply, nextEvent, record } from './helpers.js';

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string', default: 'Paris' } }, required: ['city'] },
};

forEachTransport((transport) => describe('<realtime-voice> tools against the mock', () => {
  it('runs a tool with a handler and the assistant speaks its result', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} output="text" transport=${transport}></realtime-voice>`);
    const calls: unknown[] = [];
    el.tools = [{ ...weather, handler: (args) => (calls.push(args), { city: 'Paris', sky: 'clear' }) }];
    const log = record(el);
    const fired: Event[] = [];
    el.addEventListener('rv-tool-call', (e) => fired.push(e));
    await el.sendText('What does get_weather say?');
    const reply = await assistantReply(el);
    expect(calls).to.deep.equal([{ city: 'Paris' }]);
    expect(fired).to.deep.equal([]); // a handled tool does not bother the page
    const update = log.sent<{ session: { tools: { name: string; description: string }[] } }>('session.update')[0]!;
    expect(update.session.tools.map((t) => [t.name, t.description])).to.deep.equal([['get_weather', 'The weather in a city.']]);
    const output = log
      .sent<{ item: { type: string; output?: string } }>('conversation.item.create')
      .map((e) => e.item)
      .find((i) => i.type === 'function_call_output');
    expect(output!.output).to.equal('{"city":"Paris","sky":"clear"}');
    expect(reply).to.equal('The get_weather tool returned: {"city":"Paris","sky":"clear"}');
    el.disconnect();
    log.stop();
  });

  it('asks the page through rv-tool-call for a tool without a handler, and sends what it responds', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} output="text" transport=${transport}></realtime-voice>`);
    el.tools = [weather];
    // Listening on document: the event bubbles out of the element and crosses shadow roots.
    const call = nextEvent(document, 'rv-tool-call');
    await el.sendText('Please call get_weather.');
    const event = (await call) as RvToolCallEvent;
    expect(event.target).to.equal(el);
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.name).to.equal('get_weather');
    expect(event.detail.arguments).to.deep.equal({ city: 'Paris' });
    expect(event.detail.callId).to.be.a('string').and.not.equal('');
    event.detail.respond('Sunny, 24 degrees');
    expect(await assistantReply(el)).to.equal('The get_weather tool returned: Sunny, 24 degrees');
    el.disconnect();
  });
}));
