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

// The self-contained bundles: dist/realtime-voice.js (ES module) and dist/realtime-voice.iife.js
// (classic script), with Lit, zod/mini and the worklets inlined.
export default defineConfig({
  publicDir: false,
  plugins: [minifyLitCss()],
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
      entry: 'src/index.ts',
      name: 'RealtimeVoice',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'realtime-voice.js' : 'realtime-voice.iife.js'),
    },
  },
});
