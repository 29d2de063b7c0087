import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

// The demo site: every demo/*.html is a page (multi-page build) into dist/demo. The pages import the
// element from src/ (Vite compiles it with Lit's decorators as the library build does); the landing
// page instead loads dist/realtime-voice.iife.js with a plain script tag, as a site would.
const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.resolve(here, '../src') + path.sep;
const pages = Object.fromEntries(
  readdirSync(here)
    .filter((name) => name.endsWith('.html'))
    .map((name) => [name.slice(0, -'.html'.length), path.join(here, name)]),
);

/**
 * package.json "sideEffects" names only the dist files, so `import '../src/index.js'` (which defines
 * the element) would be dropped as unused; the element's own sources do have side effects.
 */
function elementSideEffects(): Plugin {
  return {
    name: 'realtime-voice-demo:element-side-effects',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && resolved.id.startsWith(srcDir) ? { ...resolved, moduleSideEffects: true } : null;
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  plugins: [elementSideEffects()],
  // React 19's automatic runtime for react.tsx (Vite 8 transforms TSX with oxc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: path.resolve(here, '../dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: { input: pages },
  },
});
