import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}
interface TemplateElement extends Node {
  value: { raw: string; cooked: string | null };
}

function* nodes(value: unknown): Generator<Node> {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodes(item);
  } else if (value !== null && typeof value === 'object' && typeof (value as Node).type === 'string') {
    yield value as Node;
    for (const child of Object.values(value)) if (child !== null && typeof child === 'object') yield* nodes(child);
  }
}

const CSS_STRING = /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/;
// A string first, so that a "/*" inside one is not taken for a comment.
const CSS_STRING_OR_COMMENT = new RegExp(`${CSS_STRING.source}|\\/\\*[\\s\\S]*?\\*\\/`, 'g');

/**
 * Whitespace-only CSS minification: comments go, whitespace collapses to one space and disappears
 * next to `{`, `}`, `;` and after `:`. Strings and the space after a comma stay as written, so the
 * browser reads exactly the same rules (test/build/bundle.node.test.ts compares them in Chromium).
 */
export function minifyCssWhitespace(css: string): string {
  return css
    .replace(CSS_STRING_OR_COMMENT, (_comment, str: string | undefined) => str ?? ' ') // a comment separates tokens
    .split(CSS_STRING)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, ' ').replace(/ ?([{};]) ?/g, '$1').replace(/: /g, ':').replace(/;}/g, '}')))
    .join('')
    .trim();
}

/**
 * Minifies the whitespace of Lit `css` literals in our sources: the minifier leaves template text as
 * written, and the element's stylesheet was shipping its indentation and comments.
 */
export function minifyLitCss(): Plugin {
  return {
    name: 'realtime-voice:minify-lit-css',
    transform(code, id) {
      if (id.includes('/node_modules/') || !code.includes('css`')) return null;
      const edits: Array<{ start: number; end: number; text: string }> = [];
      for (const node of nodes(this.parse(code))) {
        const tag = node.tag as Node | undefined;
        if (node.type !== 'TaggedTemplateExpression' || tag?.type !== 'Identifier' || tag.name !== 'css') continue;
        const quasi = node.quasi as Node & { quasis: TemplateElement[]; expressions: Node[] };
        const [only] = quasi.quasis;
        // Only static sheets written without escapes: the cooked text is then the raw text, and the output can go back verbatim.
        if (quasi.expressions.length > 0 || !only || only.value.cooked !== only.value.raw) {
          this.warn(`${id}: css literal with interpolations or escapes left unminified`);
          continue;
        }
        const out = minifyCssWhitespace(only.value.raw);
        if (/[`\\]|\$\{/.test(out)) {
          this.warn(`${id}: minified css needs escaping in a template literal, left unminified`);
          continue;
        }
        edits.push({ start: quasi.start + 1, end: quasi.end - 1, text: out });
      }
      if (edits.length === 0) return null;
      let result = code;
      for (const e of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, e.start) + e.text + result.slice(e.end);
      return { code: result, map: null };
    },
  };
}

/** Builds with `replacement` wherever the sources import `file` (one module swapped for one build). */
function swapModule(file: string, replacement: string): Plugin {
  const from = path.resolve(file);
  const to = path.resolve(replacement);
  const stem = path.basename(file, '.ts');
  return {
    name: `realtime-voice:swap-${stem}`,
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !source.includes(stem) || importer === to) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === from ? to : null;
    },
  };
}

/**
 * The browser files, one build per mode (scripts/build.mjs runs them all), with Lit, zod/mini and the
 * worklets inlined:
 * - `module` and `script`: the shell, dist/realtime-voice.js (ES module) and dist/realtime-voice.iife.js
 *   (classic script): the element, its render, styles and strings, and the loader of the engine beside it;
 * - `engine`: dist/realtime-voice.engine.js (ES module): everything else, using the shell's event classes;
 * - `all`: dist/realtime-voice.all.iife.js: one classic script, the element driving the engine directly.
 */
const MODES = {
  module: { swap: ['src/engine-source.ts', 'src/engine-source.url.ts'], format: 'es', file: 'realtime-voice.js' },
  script: { swap: ['src/engine-source.ts', 'src/engine-source.script.ts'], format: 'iife', file: 'realtime-voice.iife.js' },
  engine: { swap: ['src/events.ts', 'src/engine-events.ts'], format: 'es', file: 'realtime-voice.engine.js' },
  all: { swap: ['src/controllers/engine-controller.ts', 'src/controllers/engine-controller.all.ts'], format: 'iife', file: 'realtime-voice.all.iife.js' },
} as const;

export default defineConfig(({ mode }) => {
  const target = MODES[mode as keyof typeof MODES];
  if (!target) throw new Error(`vite build --mode ${Object.keys(MODES).join('|')} (got ${mode})`);
  return {
    publicDir: false,
    plugins: [minifyLitCss(), swapModule(target.swap[0], target.swap[1])],
    // Browsers encode base64 natively or with btoa/atob, so protocol/base64.ts's Node Buffer branch is dead weight here.
    define: { 'globalThis.Buffer': 'undefined' },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      // Vite's ES lib output keeps whitespace; minify it fully (tooling.md §7).
      rolldownOptions: { output: { minify: true } },
      lib: {
        entry: mode === 'engine' ? 'src/engine-dist.ts' : 'src/index.ts',
        name: 'RealtimeVoice',
        formats: [target.format],
        fileName: () => target.file,
      },
    },
  };
});
