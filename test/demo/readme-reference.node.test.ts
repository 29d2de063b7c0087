// The README's reference stays in sync with the element: every attribute, property, method, event,
// CSS part, custom property, slot and state that custom-elements.json (built from the element's JSDoc)
// lists must be named in README.md, in a code span.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const manifestPath = path.join(root, 'dist/custom-elements.json');

interface Named {
  name: string;
}
interface Member extends Named {
  kind: 'field' | 'method';
  privacy?: string;
  static?: boolean;
}
interface Declaration {
  tagName?: string;
  attributes?: Named[];
  members?: Member[];
  events?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
  slots?: Named[];
  cssStates?: Named[];
}

function element(): Declaration {
  assert.ok(existsSync(manifestPath), `${manifestPath} is missing: run "node scripts/build.mjs" first (npm test does).`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { modules: { declarations?: Declaration[] }[] };
  const found = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'realtime-voice');
  assert.ok(found, 'custom-elements.json declares <realtime-voice>');
  return found;
}

const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
/** Every code span of the README, split into its words: `a`, `b` and `a` / `b` all count. */
const codeWords = new Set(
  [...readme.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1]!.split(/[^\w:-]+/).map((w) => w.replace(/^:+|:+$/g, ''))),
);
/** The names inside `:state(a|b|c)` forms. */
const stateNames = new Set([...readme.matchAll(/:state\(([^)]*)\)/g)].flatMap((m) => m[1]!.split('|').map((s) => s.trim())));

function missing(names: string[], known: Set<string>): string[] {
  return names.filter((n) => !known.has(n));
}

test('README.md names every attribute, property, method, event, part, custom property, slot and state of <realtime-voice>', () => {
  const el = element();
  const publicMembers = (el.members ?? []).filter((m) => !m.static && (m.privacy ?? 'public') === 'public' && !m.name.startsWith('_'));
  const lists: Record<string, string[]> = {
    attributes: (el.attributes ?? []).map((a) => a.name),
    properties: publicMembers.filter((m) => m.kind === 'field').map((m) => m.name),
    methods: publicMembers.filter((m) => m.kind === 'method').map((m) => m.name),
    events: (el.events ?? []).map((e) => e.name),
    'CSS parts': (el.cssParts ?? []).map((p) => p.name),
    'CSS custom properties': (el.cssProperties ?? []).map((p) => p.name),
    slots: (el.slots ?? []).map((s) => s.name),
  };
  // The manifest is the element's whole surface; an empty list means the analyzer lost track of it.
  for (const [kind, names] of Object.entries(lists)) assert.ok(names.length > 0, `custom-elements.json lists no ${kind}`);

  const gaps = Object.entries(lists)
    .map(([kind, names]) => [kind, missing(names, codeWords)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([kind, names]) => `${kind}: ${names.join(', ')}`);
  const states = missing((el.cssStates ?? []).map((s) => s.name), stateNames);
  if (states.length) gaps.push(`CSS states (in a :state(...) form): ${states.join(', ')}`);
  assert.deepEqual(gaps, [], `README.md does not mention:\n${gaps.join('\n')}`);
});
