import { defineConfig } from 'vite';

// The self-contained bundles: dist/realtime-voice.js (ES module) and dist/realtime-voice.iife.js
// (classic script), with Lit, zod/mini and the worklets inlined.
export default defineConfig({
  publicDir: false,
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
