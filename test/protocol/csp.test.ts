import { expect } from '@open-wc/testing';
import { serverEventFixtures } from './fixtures.js';

interface Report {
  parsed: boolean;
  evalBlocked: boolean;
  samples: string[];
}

/**
 * Loads the protocol module in a fresh same-origin document whose CSP forbids eval, parses a frame,
 * then makes its own eval attempt as a marker. Violation events arrive in order, so once the marker's
 * report is in, any report the module caused while loading is in too.
 */
function runUnderStrictCsp(): Promise<Report> {
  const moduleUrl = new URL('../../src/protocol/index.ts', import.meta.url).href;
  const frame = JSON.stringify(JSON.stringify(serverEventFixtures['response.output_audio.delta']));
  const iframe = document.createElement('iframe');
  iframe.srcdoc = `<!doctype html>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'nonce-rv' 'report-sample'">
<script nonce="rv" type="module">
  const samples = [];
  let markerSeen;
  const marker = new Promise((resolve) => (markerSeen = resolve));
  document.addEventListener('securitypolicyviolation', (e) => {
    samples.push(e.sample);
    if (e.sample.includes('rv-marker')) markerSeen();
  });
  const { parseServerEvent } = await import(${JSON.stringify(moduleUrl)});
  const parsed = parseServerEvent(${frame}).ok;
  let evalBlocked = false;
  try { new Function('/* rv-marker */'); } catch { evalBlocked = true; }
  if (evalBlocked) await marker;
  parent.postMessage({ rvCsp: { parsed, evalBlocked, samples } }, '*');
</script>`;
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== iframe.contentWindow || !event.data?.rvCsp) return;
      window.removeEventListener('message', onMessage);
      iframe.remove();
      resolve(event.data.rvCsp as Report);
    };
    window.addEventListener('message', onMessage);
    document.body.append(iframe);
  });
}

describe('protocol under a strict Content-Security-Policy', () => {
  it('parses frames without unsafe-eval and causes no CSP violation report', async () => {
    const report = await runUnderStrictCsp();
    expect(report.evalBlocked, 'the CSP really forbids eval').to.equal(true);
    expect(report.parsed).to.equal(true);
    // Only the marker: nothing in the module may try eval (classic zod's JIT probe would).
    expect(report.samples).to.have.length(1);
    expect(report.samples[0]).to.include('rv-marker');
  });
});
