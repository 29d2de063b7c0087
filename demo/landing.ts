// The bakery's own code: it gives both widgets two page tools. The element itself comes from the
// classic script tag (dist/realtime-voice.iife.js), so this module only talks to it through its API.
import type { RealtimeVoice, RealtimeVoiceTool } from '../src/index.js';
import { initDemoBar } from './shared/demo-bar.js';

const MENU = [
  { name: 'Country sourdough', price: 5.2, allergens: ['wheat'] },
  { name: 'Butter croissant', price: 1.9, allergens: ['wheat', 'milk', 'egg'] },
  { name: 'Cardamom bun', price: 2.8, allergens: ['wheat', 'milk', 'egg'], nutFree: true },
  { name: 'Seeded rye', price: 4.6, allergens: ['rye', 'wheat'], note: 'contains seeds; made where nuts are handled' },
];

const HOURS = {
  'tuesday-friday': '7:00-18:00',
  saturday: '7:00-16:00',
  sunday: '8:00-13:00',
  monday: 'closed',
};

const noArguments = { type: 'object', properties: {}, additionalProperties: false } as const;

export const bakeryTools: RealtimeVoiceTool[] = [
  {
    type: 'function',
    name: 'get_menu',
    description: "Today's bakes with prices in euros and allergens.",
    parameters: noArguments,
    handler: () => MENU,
  },
  {
    type: 'function',
    name: 'get_opening_hours',
    description: 'Opening hours of the bakery for each day of the week.',
    parameters: noArguments,
    handler: () => HOURS,
  },
];

for (const voice of document.querySelectorAll<RealtimeVoice>('realtime-voice')) voice.tools = bakeryTools;
void initDemoBar();
