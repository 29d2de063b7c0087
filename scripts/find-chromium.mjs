// Finds a Chromium for the browser tests, installing Debian's package when it can (DEVELOPERS.md).
import { existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function firstExisting() {
  if (process.env.CHROME_PATH) {
    if (existsSync(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    throw new Error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, but no file is there.`);
  }
  return CANDIDATES.find((p) => existsSync(p));
}

function canApt() {
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' });
  if (apt.status !== 0) return null;
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync('sudo', ['-n', 'true']);
  return sudo.status === 0 ? ['sudo', '-n'] : null;
}

/** Returns the path of a usable Chromium, or exits with a message that says what to install. */
export function findChromium() {
  const found = firstExisting();
  if (found) return found;
  const prefix = canApt();
  if (prefix) {
    console.log('Chromium not found: installing Debian package "chromium" with apt-get ...');
    const run = (args) => execFileSync(prefix[0] ?? args[0], prefix.length ? [...prefix.slice(1), ...args] : args.slice(1), {
      stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    try {
      run(['apt-get', 'update']);
      run(['apt-get', 'install', '-y', 'chromium']);
    } catch {
      // fall through to the message below
    }
    const after = firstExisting();
    if (after) return after;
  }
  console.error(
    'The browser tests need Chromium, and none was found or could be installed.\n' +
      'Install it (Debian/Ubuntu: `sudo apt-get install chromium`), or set CHROME_PATH to a Chromium or Chrome binary.',
  );
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(findChromium());
