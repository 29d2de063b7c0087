import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

// The package's public entry points, resolved through its own `exports` map as users resolve them.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

test('every export of package.json points at built files that exist', () => {
  for (const [name, target] of Object.entries<Record<string, string> | string>(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(existsSync(file), `export ${name} points at missing ${file}`);
    }
  }
});

test('realtime-voice/server resolves to the token handler', async () => {
  const server = await import('realtime-voice/server');
  assert.equal(typeof server.createTokenHandler, 'function');
  assert.equal(typeof server.toNodeListener, 'function');
});
