import { AudioEngineError } from './errors.js';
import { workletModuleSource } from './worklet-sources.js';

/** Where the worklet module comes from. */
export interface WorkletLoadOptions {
  /**
   * URL of a self-hosted copy of `dist/realtime-voice.worklet.js`, for pages whose
   * Content-Security-Policy forbids `blob:`. Without it the module is built inline (Blob URL).
   */
  workletUrl?: string | URL;
}

let blobUrl: string | undefined;
const loads = new WeakMap<BaseAudioContext, Promise<void>>();

/** A Blob URL of the worklet module, created once per page and kept (it is a few kilobytes). */
export function workletBlobUrl(): string {
  return (blobUrl ??= URL.createObjectURL(new Blob([workletModuleSource()], { type: 'text/javascript' })));
}

/**
 * Adds the realtime-voice worklet module to `context` (once per context; concurrent calls share
 * the load). Rejects with an `AudioEngineError`: `worklet_blocked` when the page's CSP refuses the
 * inline module (Chrome reports that only as an AbortError), `worklet_failed` when `workletUrl`
 * cannot be loaded, `audio_unsupported` without AudioWorklet (insecure context).
 */
export function loadAudioWorklets(context: BaseAudioContext, options: WorkletLoadOptions = {}): Promise<void> {
  let load = loads.get(context);
  if (!load) {
    load = addModule(context, options.workletUrl);
    loads.set(context, load);
    load.catch(() => loads.delete(context));
  }
  return load;
}

async function addModule(context: BaseAudioContext, url: string | URL | undefined): Promise<void> {
  const worklet = context.audioWorklet as AudioWorklet | undefined;
  if (!worklet)
    throw new AudioEngineError('audio_unsupported', 'This browser has no AudioWorklet here; it needs a secure context (https: or localhost).');
  if (url !== undefined && String(url) !== '') {
    try {
      await worklet.addModule(String(url));
    } catch (error) {
      throw new AudioEngineError(
        'worklet_failed',
        `Could not load the audio worklet module from ${url} (${(error as Error)?.message ?? error}). Serve ` +
          "dist/realtime-voice.worklet.js at that address, from the page's origin, and allow it in the " +
          "page's Content-Security-Policy (script-src).",
        error,
      );
    }
    return;
  }
  try {
    await worklet.addModule(workletBlobUrl());
  } catch (error) {
    // Some policies allow data: but not blob:; the text is the same.
    try {
      await worklet.addModule(`data:text/javascript,${encodeURIComponent(workletModuleSource())}`);
      return;
    } catch {
      throw new AudioEngineError(
        'worklet_blocked',
        "The page's Content-Security-Policy blocked the audio worklet, which is loaded inline from a blob: URL. " +
          'Host dist/realtime-voice.worklet.js on your own origin and set the worklet-url attribute (workletUrl ' +
          'option) to its URL, or allow blob: in script-src.',
        error,
      );
    }
  }
}
