// `npm run build`: the self-contained bundles (Vite) and the type declarations (tsc).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

function step(name, cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${name} failed`);
    process.exit(r.status ?? 1);
  }
}

rmSync('dist', { recursive: true, force: true });
step('bundles', process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
step('type declarations', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
