// Page tools: the assistant switches the colour scheme and scrolls the page (tools with a `handler`),
// and puts plans in the cart (a tool without one, answered by the page through `rv-tool-call`).
import '../src/index.js';
import type { RealtimeVoice, RealtimeVoiceTool, RvToolCallEvent } from '../src/index.js';
import { demoConfig, initDemoBar } from './shared/demo-bar.js';

type Scheme = 'light' | 'dark';
const SECTIONS = ['pricing', 'features', 'faq', 'top'] as const;
const PLANS = { starter: 'Starter', pro: 'Pro', team: 'Team' } as const;
type Plan = keyof typeof PLANS;

const voice = document.querySelector<RealtimeVoice>('#assistant-voice')!;
const calls = document.querySelector<HTMLOListElement>('.calls')!;
const toggle = document.querySelector<HTMLButtonElement>('.scheme-toggle')!;
const cart: Plan[] = [];

/** Shows one call on the page: name, arguments and what the page answered (as text, never HTML). */
function logCall(name: string, args: unknown, result: unknown): void {
  const item = document.createElement('li');
  const title = document.createElement('code');
  title.textContent = name;
  const detail = document.createElement('span');
  detail.textContent = ` ${JSON.stringify(args)} → ${JSON.stringify(result)}`;
  item.append(title, detail);
  calls.prepend(item);
}

export function setScheme(scheme: Scheme): void {
  document.documentElement.dataset.scheme = scheme;
  toggle.setAttribute('aria-pressed', String(scheme === 'dark'));
}

export function scrollToSection(id: (typeof SECTIONS)[number]): HTMLElement {
  const target = document.getElementById(id)!;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  target.scrollIntoView({ behavior: smooth ? 'smooth' : 'instant', block: 'start' });
  // A brief highlight shows where the assistant took you; focus stays in the conversation.
  target.classList.remove('arrived');
  void target.offsetWidth;
  target.classList.add('arrived');
  return target;
}

function addToCart(plan: Plan): { cart: string[] } {
  cart.push(plan);
  document.querySelector('.cart-count')!.textContent = String(cart.length);
  document.querySelector('.cart-items')!.textContent = `(${cart.map((p) => PLANS[p]).join(', ')})`;
  return { cart: cart.map((p) => PLANS[p]) };
}

/**
 * A tool whose one argument is a choice among `values`. With a `run`, the element calls it and sends
 * back what it returns; without one, the page answers `rv-tool-call` (see add_to_cart below).
 */
function choiceTool<V extends string>(
  name: string,
  description: string,
  argument: string,
  values: readonly V[],
  run?: (value: V) => unknown,
): RealtimeVoiceTool {
  return {
    type: 'function',
    name,
    description,
    parameters: {
      type: 'object',
      properties: { [argument]: { type: 'string', enum: [...values] } },
      required: [argument],
      additionalProperties: false,
    },
    handler: run
      ? (args) => {
          const value = (args as Record<string, unknown>)[argument] as V;
          const result = values.includes(value) ? run(value) : { error: `${argument} must be one of ${values.join(', ')}` };
          logCall(name, args, result);
          return result;
        }
      : undefined,
  };
}

const tools: RealtimeVoiceTool[] = [
  choiceTool('set_color_scheme', 'Switches this web page between its dark and light colour scheme.', 'scheme', ['dark', 'light'], (scheme) => {
    setScheme(scheme);
    return { scheme };
  }),
  choiceTool('scroll_to_section', 'Scrolls this web page to one of its sections: pricing, features, faq (questions) or top.', 'section', SECTIONS, (section) => ({
    scrolledTo: scrollToSection(section).querySelector('h1, h2')?.textContent ?? section,
  })),
  choiceTool(
    'add_to_cart',
    'Puts one Lumen plan in the shopping cart: starter (free), pro (29 euros a month) or team (99 euros a month).',
    'plan',
    Object.keys(PLANS) as Plan[],
  ),
];

voice.tools = tools;
voice.instructions =
  'You are the assistant of the Lumen Analytics product page. Use set_color_scheme to switch the page between ' +
  'dark and light, scroll_to_section to show a section, and add_to_cart to add a plan. Confirm in a few words.';

voice.addEventListener('rv-tool-call', (event: RvToolCallEvent) => {
  const { name, arguments: args, respond } = event.detail;
  if (name !== 'add_to_cart') return;
  const plan = (args as { plan?: unknown }).plan;
  const result = typeof plan === 'string' && plan in PLANS ? addToCart(plan as Plan) : { error: 'Unknown plan.' };
  logCall(name, args, result);
  respond(result);
});

toggle.addEventListener('click', () => setScheme(document.documentElement.dataset.scheme === 'dark' ? 'light' : 'dark'));
for (const button of document.querySelectorAll<HTMLButtonElement>('button.add')) {
  button.addEventListener('click', () => addToCart(button.dataset.plan as Plan));
}
for (const chip of document.querySelectorAll<HTMLButtonElement>('[data-say]')) {
  chip.addEventListener('click', () => void voice.sendText(chip.dataset.say!));
}

void demoConfig().then((config) => {
  const hint = document.querySelector<HTMLElement>(config?.realtime === 'openai' ? '.hint-openai' : '.hint-mock');
  if (hint) hint.hidden = false;
});
void initDemoBar();
