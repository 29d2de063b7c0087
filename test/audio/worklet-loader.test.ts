import { expect } from '@open-wc/testing';
import { AudioEngineError } from '../../src/audio/errors.js';
import { loadAudioWorklets, workletBlobUrl } from '../../src/audio/worklet-loader.js';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR } from '../../src/audio/worklet-processors.js';
import { workletModuleSource } from '../../src/audio/worklet-sources.js';
import { frameReport } from '../support/frame-report.js';

const SELF_HOSTED = '/__worklets__/realtime-voice.worklet.js';

/** Loads test/audio/fixtures/strict-csp.html in an iframe and returns what its probe reports. */
function strictCspProbe(workletUrl?: string): Promise<Record<string, unknown>> {
  const query = workletUrl ? `?worklet-url=${encodeURIComponent(workletUrl)}` : '';
  return frameReport(new URL(`./fixtures/strict-csp.html${query}`, import.meta.url).href, 'strict-csp-probe');
}

describe('worklet loader', () => {
  it('builds one module that registers both processors, loaded from a cached Blob URL', async () => {
    expect(workletBlobUrl()).to.match(/^blob:/).and.equal(workletBlobUrl());
    expect(workletModuleSource()).to.not.match(/\bimport\b|\bexport\b/);
    const ctx = new OfflineAudioContext(1, 128, 48000);
    await loadAudioWorklets(ctx);
    const errors: string[] = [];
    const capture = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
      numberOfOutputs: 0,
      processorOptions: { targetRate: 24000, frameSize: 480, poolSize: 2, levelInterval: 0.05 },
    });
    const playback = new AudioWorkletNode(ctx, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      processorOptions: { inputRate: 24000, capacity: 100, prebuffer: 10, fade: 0.005, levelInterval: 0.05 },
    });
    for (const node of [capture, playback]) node.onprocessorerror = () => errors.push('processorerror');
    await ctx.startRendering();
    expect(errors).to.deep.equal([]);
  });

  it('loads once per context: concurrent callers share the same load', async () => {
    const ctx = new OfflineAudioContext(1, 128, 24000);
    const a = loadAudioWorklets(ctx);
    expect(loadAudioWorklets(ctx)).to.equal(a);
    await a;
    const other = new OfflineAudioContext(1, 128, 24000);
    expect(loadAudioWorklets(other)).to.not.equal(a);
  });

  it('a worklet-url that cannot be loaded fails with worklet_failed, naming the URL', async () => {
    const ctx = new OfflineAudioContext(1, 128, 24000);
    const error = await loadAudioWorklets(ctx, { workletUrl: '/no/such/realtime-voice.worklet.js' }).catch((e) => e);
    expect(error).to.be.instanceOf(AudioEngineError);
    expect(error.code).to.equal('worklet_failed');
    expect(error.message).to.contain('/no/such/realtime-voice.worklet.js');
  });

  it('a page whose CSP forbids blob: gets worklet_blocked, with the worklet-url advice', async () => {
    const result = await strictCspProbe();
    expect(result.ok).to.equal(false);
    expect(result.isEngineError).to.equal(true);
    expect(result.code).to.equal('worklet_blocked');
    expect(result.message).to.contain('Content-Security-Policy').and.contain('worklet-url').and.contain('realtime-voice.worklet.js');
  });

  it('the same strict-CSP page plays audio with worklet-url pointing at a self-hosted copy', async () => {
    const result = await strictCspProbe(SELF_HOSTED);
    expect(result).to.deep.equal({ source: 'strict-csp-probe', ok: true, sounding: 1200 });
  });
});
