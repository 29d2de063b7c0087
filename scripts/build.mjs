// `npm run build`: the self-contained browser bundles (Vite), the Node/edge entry points (esbuild)
// and the type declarations (tsc).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

function step(name, cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${name} failed`);
    process.exit(r.status ?? 1);
  }
}

rmSync('dist', { recursive: true, force: true });
// The shell (ES module and classic script), the engine it loads on intent, and the single file (vite.config.ts).
for (const mode of ['module', 'script', 'engine', 'all']) {
  step(`${mode} bundle`, process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--mode', mode, '--logLevel', 'warn']);
}

// The token handler runs on any Fetch-API runtime (Node, Workers, Deno, Bun): platform-neutral ESM, no deps.
await build({
  entryPoints: { server: 'src/server/index.ts' },
  outdir: 'dist', bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'warning',
});

// The self-hosted worklet module for pages whose CSP forbids blob: (`worklet-url`): the same minified
// functions the bundle inlines, written out as one file that registers both processors; and the socket worker.
{
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rv-worklet-'));
  const out = path.join(tmp, 'sources.mjs');
  await build({ entryPoints: ['src/audio/worklet-sources.ts'], outfile: out, bundle: true, format: 'esm', minify: true, logLevel: 'warning' });
  const { workletModuleSource } = await import(out);
  writeFileSync('dist/realtime-voice.worklet.js', workletModuleSource());
  // The self-hosted socket worker (`worker-url`), built the same way from its own minified functions.
  const worker = path.join(tmp, 'worker.mjs');
  await build({ entryPoints: ['src/client/socket-worker.ts'], outfile: worker, bundle: true, format: 'esm', minify: true, logLevel: 'warning' });
  const { socketWorkerSource } = await import(worker);
  writeFileSync('dist/realtime-voice.worker.js', socketWorkerSource());
  rmSync(tmp, { recursive: true, force: true });
}

// The mock GA server and its CLI (`realtime-voice/mock`, bin `realtime-voice-mock`): Node ESM; ws and zod from dependencies, werift and opusscript (WebRTC calls) optional.
await build({
  entryPoints: ['src/mock/index.ts', 'src/mock/cli.ts'], outdir: 'dist/mock', bundle: true, splitting: true,
  format: 'esm', platform: 'node', target: 'node20', external: ['ws', 'zod', 'werift', 'opusscript'], logLevel: 'warning',
});

step('type declarations', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
// The npm build: one JS file per module, `lit` and `zod` left as bare imports so apps share them.
step('mock type declarations', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.mock.json']);
step('unbundled ESM', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.esm.json']);
// custom-elements.json from the element's JSDoc (the analyzer also rewrites package.json "customElements" to this path).
step('custom elements manifest', process.execPath, [
  'node_modules/@custom-elements-manifest/analyzer/cem.js', 'analyze', '--litelement', '--quiet',
  '--globs', 'src/realtime-voice.ts', 'src/events.ts', '--outdir', 'dist',
]);
