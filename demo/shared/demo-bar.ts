// Site code shared by the demo pages (not part of the widget): the demo bar with the current page
// marked, and a badge that says whether the widget talks to the embedded mock or to OpenAI.

/** What the demo server runs against. */
export interface DemoConfig {
  realtime: 'mock' | 'openai';
}

const PAGES: [href: string, label: string][] = [
  ['/', 'Landing page'],
  ['/theming.html', 'Theming'],
  ['/react.html', 'React 19'],
  ['/tools.html', 'Page tools'],
  ['/captions.html', 'Live captions'],
];

let config: Promise<DemoConfig | undefined> | undefined;

/** The demo server's `/api/demo-config`; undefined when the page is served by something else. */
export function demoConfig(): Promise<DemoConfig | undefined> {
  config ??= fetch('/api/demo-config')
    .then((r) => (r.ok ? (r.json() as Promise<DemoConfig>) : undefined))
    .catch(() => undefined);
  return config;
}

/** Puts the demo bar at the top of the page, marks the current page and fills the realtime badge. */
export async function initDemoBar(): Promise<void> {
  const nav = document.createElement('nav');
  nav.className = 'demo-bar';
  nav.setAttribute('aria-label', 'Demo pages');
  const brand = Object.assign(document.createElement('a'), { className: 'demo-bar-brand', href: '/', textContent: '<realtime-voice> demo' });
  nav.append(brand);
  // "/index.html" is "/", and the demo server also serves "/tools" for "/tools.html".
  const page = (pathname: string) => pathname.replace(/\/index\.html$/, '/').replace(/\.html$/, '');
  for (const [href, label] of PAGES) {
    const link = Object.assign(document.createElement('a'), { href, textContent: label });
    if (page(href) === page(location.pathname)) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  const badge = Object.assign(document.createElement('span'), { className: 'demo-bar-badge' });
  badge.setAttribute('role', 'status');
  nav.append(badge);
  document.body.prepend(nav);

  const realtime = (await demoConfig())?.realtime;
  if (!realtime) return;
  badge.dataset.realtime = realtime;
  badge.textContent = realtime === 'mock' ? 'Offline: embedded mock server' : 'Live: OpenAI Realtime';
}
